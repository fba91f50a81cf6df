// Bad plugin: a shared library that was not built with NEST_TASKSET.
extern "C" __attribute__((visibility("default"))) int not_a_taskset() { return 42; }
