#include "conform.h"

const struct conform_test ptrace_tests[] = {
    { 0 }
};
