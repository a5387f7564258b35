#define _GNU_SOURCE
#include "CSystemShims.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int offload_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0);
}

int offload_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int offload_pidfd_send_signal(int pidfd, int signal) {
#ifdef SYS_pidfd_send_signal
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int offload_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 29)
    return posix_spawn_file_actions_addchdir_np(actions, path);
#else
    (void)actions; (void)path;
    return ENOSYS;
#endif
}

int offload_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
    (void)actions; (void)lowest;
    return ENOSYS;
#endif
}

int offload_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

void offload_sigset_fill_every_signal(sigset_t *set) {
    // Every bit on: posix_spawn only tests membership of signals 1..._NSIG-1, and sigaction
    // refuses SIGKILL and SIGSTOP harmlessly.
    memset(set, 0xff, sizeof(*set));
}

static volatile pid_t offload_expected_parent = 0;

static void offload_parent_died(int signal) {
    (void)signal;
    if (getppid() == offload_expected_parent) return;  // a stray signal; our parent is alive
    kill(0, SIGKILL);
}

int offload_parent_death_signal(void) {
    return SIGRTMAX;
}

int offload_kill_process_group_on_parent_death(pid_t parent) {
    if (getpgrp() != getpid()) {
        return prctl(PR_SET_PDEATHSIG, (unsigned long)SIGKILL, 0, 0, 0);
    }
    offload_expected_parent = parent;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = offload_parent_died;
    sigfillset(&action.sa_mask);
    if (sigaction(SIGRTMAX, &action, NULL) != 0) return -1;
    return prctl(PR_SET_PDEATHSIG, (unsigned long)SIGRTMAX, 0, 0, 0);
}
