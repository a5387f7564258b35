#define _GNU_SOURCE
#include "CSystemShims.h"
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/// The address ranges of this process's mappings that hold private copies of file pages ("Anonymous" in
/// /proc/self/smaps): text relocations, a debugger's breakpoints, uprobes. MADV_DONTNEED would throw those
/// copies away and fault the file's original bytes back in, so the segments they fall in are left alone.
struct offload_private_copies {
    uintptr_t (*ranges)[2];
    size_t count;
};

static int offload_read_private_copies(struct offload_private_copies *copies) {
    FILE *file = fopen("/proc/self/smaps", "re");
    if (file == NULL) return -1;
    char line[512];
    uintptr_t start = 0, end = 0;
    int failed = 0, continues_a_line = 0;  // failed: the errno to report
    while (!failed && fgets(line, sizeof line, file) != NULL) {
        // A line longer than the buffer is a mapping's long path: its rest is no new line.
        int is_continuation = continues_a_line;
        continues_a_line = strchr(line, '\n') == NULL;
        if (is_continuation) continue;
        unsigned long low, high, kilobytes;
        if (sscanf(line, "%lx-%lx ", &low, &high) == 2) {
            start = low;
            end = high;
        } else if (sscanf(line, "Anonymous: %lu kB", &kilobytes) == 1 && kilobytes > 0) {
            uintptr_t (*grown)[2] = realloc(copies->ranges, (copies->count + 1) * sizeof *grown);
            if (grown == NULL) {
                failed = ENOMEM;
                break;
            }
            copies->ranges = grown;
            copies->ranges[copies->count][0] = start;
            copies->ranges[copies->count][1] = end;
            copies->count++;
        }
    }
    if (!failed && ferror(file)) failed = EIO;
    fclose(file);
    if (failed) errno = failed;
    return failed ? -1 : 0;
}

static int offload_overlaps_private_copy(const struct offload_private_copies *copies, uintptr_t start, uintptr_t end) {
    for (size_t index = 0; index < copies->count; index++) {
        if (start < copies->ranges[index][1] && copies->ranges[index][0] < end) return 1;
    }
    return 0;
}

struct offload_unmap_progress {
    long page_size;
    const struct offload_private_copies *copies;
    long unmapped;
    long kept;
    int error;
};

static int offload_unmap_object(struct dl_phdr_info *info, size_t size, void *context) {
    (void)size;
    struct offload_unmap_progress *progress = context;
    // The vDSO is the kernel's own page, not a file: nothing to hand back.
    if (info->dlpi_name != NULL && strncmp(info->dlpi_name, "linux-vdso", 10) == 0) return 0;
    for (ElfW(Half) index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[index];
        if (header->p_type != PT_LOAD || (header->p_flags & PF_W) != 0) continue;
        // Whole pages inside the segment only: a page it shares with a neighbour is left alone.
        uintptr_t mask = (uintptr_t)progress->page_size - 1;
        uintptr_t start = (info->dlpi_addr + header->p_vaddr + mask) & ~mask;
        uintptr_t end = (info->dlpi_addr + header->p_vaddr + header->p_memsz) & ~mask;
        if (end <= start) continue;
        if (offload_overlaps_private_copy(progress->copies, start, end)) {
            progress->kept += (long)(end - start);
            continue;
        }
        // MADV_RANDOM first: should the kernel reclaim a page from its cache before it is used again, the
        // fault reads that page alone. With the default, each such fault read the device's whole read-ahead
        // window synchronously (8 MB on the benchmark's VM) and stalled a task by 100-300 ms.
        if (madvise((void *)start, end - start, MADV_RANDOM) != 0 || madvise((void *)start, end - start, MADV_DONTNEED) != 0) {
            progress->error = errno;
            return 1;  // stops the walk: the same answer would come for every segment
        }
        progress->unmapped += (long)(end - start);
    }
    return 0;
}

long offload_unmap_read_only_segments(long *kept) {
    struct offload_private_copies copies = { NULL, 0 };
    if (offload_read_private_copies(&copies) != 0) {
        int error = errno;
        free(copies.ranges);
        errno = error;
        return -1;
    }
    struct offload_unmap_progress progress = { sysconf(_SC_PAGESIZE), &copies, 0, 0, 0 };
    if (progress.page_size > 0) {
        dl_iterate_phdr(offload_unmap_object, &progress);
    } else {
        progress.error = EINVAL;
    }
    free(copies.ranges);
    if (kept != NULL) *kept = progress.kept;
    if (progress.error != 0) {
        errno = progress.error;
        return -1;
    }
    return progress.unmapped;
}

long offload_resident_bytes(void) {
    FILE *file = fopen("/proc/self/statm", "re");
    if (file == NULL) return -1;
    long size = 0, resident = 0;
    int fields = fscanf(file, "%ld %ld", &size, &resident);
    fclose(file);
    if (fields != 2 || resident < 0) return -1;
    long page_size = sysconf(_SC_PAGESIZE);
    return page_size > 0 ? resident * page_size : -1;
}
