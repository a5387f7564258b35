#ifndef CSYSTEMSHIMS_H
#define CSYSTEMSHIMS_H
#include <sys/types.h>
#include <signal.h>
#include <spawn.h>

/// prctl(PR_SET_PDEATHSIG, signal): Swift cannot call the variadic prctl.
int offload_set_parent_death_signal(int signal);

/// pidfd_open(pid, 0) through syscall(2), which Swift cannot call (variadic).
/// Returns a new descriptor (always close-on-exec) that refers to exactly this process, or -1 with errno set
/// (ENOSYS before Linux 5.3).
int offload_pidfd_open(pid_t pid);

/// pidfd_send_signal(pidfd, signal, NULL, 0) through syscall(2).
/// Unlike kill(pid), it can never reach a later process that reused the pid. Returns 0, or -1 with errno set.
int offload_pidfd_send_signal(int pidfd, int signal);

/// posix_spawn_file_actions_addchdir_np: glibc declares it only under _GNU_SOURCE, which Swift's Glibc module lacks.
/// Returns 0 or an error number (ENOSYS when glibc is older than 2.29).
int offload_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// posix_spawn_file_actions_addclosefrom_np: closes every descriptor >= `lowest` in the child.
/// Returns 0 or an error number (ENOSYS when glibc is older than 2.34).
int offload_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

/// Fills `set` with every signal number, including the two glibc keeps for itself (32 and 33).
/// sigfillset leaves those out; given such a set as POSIX_SPAWN_SETSIGDEF, glibc's posix_spawn sets
/// them to SIG_IGN in the child, where they stay ignored after exec (measured: SigIgn 0000000180000000).
void offload_sigset_fill_every_signal(sigset_t *set);

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start, so a spawn on another thread can
/// never inherit them. glibc declares pipe2 only under _GNU_SOURCE. Returns 0, or -1 with errno set.
int offload_pipe_cloexec(int fds[2]);

/// Makes the death of `parent` kill this process's whole process group with SIGKILL, when this
/// process leads that group: PR_SET_PDEATHSIG with a signal whose handler (async-signal-safe: getppid,
/// getpgrp, kill) kills the group unless `parent` is still our parent. A plain PR_SET_PDEATHSIG(SIGKILL)
/// would kill only this process, and leave the processes it started running.
/// When this process does not lead its group, it falls back to PR_SET_PDEATHSIG(SIGKILL): killing a
/// group we merely belong to could reach our parent's own group.
/// Returns 0, or -1 with errno set.
int offload_kill_process_group_on_parent_death(pid_t parent);

/// The signal offload_kill_process_group_on_parent_death uses (SIGRTMAX, which nothing else here uses).
int offload_parent_death_signal(void);

/// Unmaps from this process the pages of every loaded object's read-only segments (code and constants:
/// PT_LOAD without PF_W, so never the relocated or written data) with madvise(MADV_DONTNEED). The pages stay
/// in the kernel's page cache, to be reclaimed like any cached file; a page used again is mapped back on its
/// next use (MADV_RANDOM: one page per fault, should it have to be read from disk). A segment holding a private
/// copy of a page (a text relocation, a debugger's breakpoint) is left alone and its size added to *kept.
/// Returns the bytes unmapped, or -1 with errno set (/proc/self/smaps unreadable, or madvise refused).
long offload_unmap_read_only_segments(long *kept);

/// This process's resident set in bytes, from /proc/self/statm; -1 when it cannot be read.
long offload_resident_bytes(void);

#endif
