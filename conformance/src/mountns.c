/* mountns.c - mount namespaces: MS_MOVE, MS_UNBINDABLE and shared subtrees. */
#include "conform.h"

const struct conform_test mountns_tests[] = {
    { NULL, NULL, NULL },
};
