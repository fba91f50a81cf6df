// Links one room of nest-host alone (see nest_room in CMakeLists.txt): a room that calls into
// a room it does not list fails to link here.
int main() { return 0; }
