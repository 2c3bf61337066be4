/*
 * Runs a fuzz target over files and directories of inputs (the seed corpus
 * and every crash found so far), so that make check replays them all without
 * libFuzzer.  Every target is linked with this file as replay-TARGET.
 * Usage: replay-TARGET [PATH...]; without a PATH it replays
 * $srcdir/corpus/TARGET (srcdir defaults to ".").
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return 1; }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) { free(buf); fclose(f); return 1; }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

static int run_path(const char *path, int *count)
{
    struct stat sb;
    if (stat(path, &sb) != 0) { perror(path); return 1; }
    if (!S_ISDIR(sb.st_mode)) { (*count)++; return run_file(path); }
    DIR *d = opendir(path);
    if (!d) { perror(path); return 1; }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        rc |= run_path(sub, count);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0, count = 0;
    for (int i = 1; i < argc; i++)
        rc |= run_path(argv[i], &count);
    if (argc < 2) {                        /* the target's corpus, named after argv[0] */
        const char *base = strrchr(argv[0], '/'), *srcdir = getenv("srcdir");
        base = base ? base + 1 : argv[0];
        if (!strncmp(base, "lt-", 3))
            base += 3;
        if (strncmp(base, "replay-", 7) != 0) {
            fprintf(stderr, "usage: replay-TARGET [PATH...]\n");
            return 2;
        }
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/corpus/%s", srcdir ? srcdir : ".", base + 7);
        rc |= run_path(dir, &count);
    }
    printf("%s: replayed %d inputs\n", argv[0], count);
    return rc || count == 0;
}
