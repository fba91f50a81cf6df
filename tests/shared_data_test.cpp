#include <gtest/gtest.h>
TEST(SharedData, Placeholder) {}
