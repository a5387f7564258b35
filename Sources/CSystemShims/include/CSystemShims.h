#ifndef CSYSTEMSHIMS_H
#define CSYSTEMSHIMS_H
#include <sys/types.h>

/// prctl(PR_SET_PDEATHSIG, signal): Swift cannot call the variadic prctl.
int offload_set_parent_death_signal(int signal);

#endif
