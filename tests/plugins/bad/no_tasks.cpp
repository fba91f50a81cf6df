// Bad plugin: a taskset with no task.
#include <nest/nest.h>

class NoTasks : public nest::TaskSet {};
NEST_TASKSET(NoTasks)
