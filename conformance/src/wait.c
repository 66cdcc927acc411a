#include "conform.h"

const struct conform_test wait_tests[] = {
    { 0 }
};
