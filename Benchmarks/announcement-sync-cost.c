// What an announcement costs the next sync of the WAL, without SQLite (issue 13, lone enqueue).
//
//     cc -O2 -o /tmp/announcement-sync-cost Benchmarks/announcement-sync-cost.c
//     /tmp/announcement-sync-cost .build-bench/announce-test-wal 20000; rm .build-bench/announce-test-wal
//
// Three rounds of: the bare system calls (utimensat; open read-only + close), then a 4 KiB pwrite +
// fdatasync alone, followed by a utimensat, and followed by an open + close, in microseconds per loop.
// A touch dirties the inode's times, so the next fdatasync must commit the file system's journal too.
#include <stdio.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>
#include <stdlib.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int c,char**v){const char*p=v[1];int n=atoi(v[2]);
 int fd=open(p,O_RDWR|O_CREAT,0600); char buf[4096]={0};
 for(int round=0;round<3;round++){
 double t=now(); for(int i=0;i<n;i++){utimensat(AT_FDCWD,p,NULL,AT_SYMLINK_NOFOLLOW);} double u=now()-t;
 t=now(); for(int i=0;i<n;i++){int f=open(p,O_RDONLY|O_CLOEXEC|O_NOFOLLOW|O_NOCTTY|O_NONBLOCK); close(f);} double o=now()-t;
 // with writes+fdatasync in between (FULL-like)
 t=now(); for(int i=0;i<n/10;i++){pwrite(fd,buf,4096,(i%16)*4096);fdatasync(fd);utimensat(AT_FDCWD,p,NULL,AT_SYMLINK_NOFOLLOW);} double wu=now()-t;
 t=now(); for(int i=0;i<n/10;i++){pwrite(fd,buf,4096,(i%16)*4096);fdatasync(fd);int f=open(p,O_RDONLY|O_CLOEXEC|O_NOFOLLOW);close(f);} double wo=now()-t;
 t=now(); for(int i=0;i<n/10;i++){pwrite(fd,buf,4096,(i%16)*4096);fdatasync(fd);} double w=now()-t;
 printf("utimensat %.2f us, open+close %.2f us | write+fdatasync: alone %.1f us, +utimensat %.1f us, +open/close %.1f us\n",u/n*1e6,o/n*1e6,w/(n/10)*1e6,wu/(n/10)*1e6,wo/(n/10)*1e6);}
}
