/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sh: the Carapace shell. Reads command lines from the console, splits
 * them into words (spaces separate words; 'single quotes' keep anything
 * together, "double quotes" too, with \" and \\ inside) and runs
 * /bin/NAME with sys_spawn. `< FILE`, `> FILE` and `>> FILE` redirect the
 * command's input and output (the child inherits fds 0-2: the shell puts
 * the file there with sys_dup2 while it starts the command; /tmp is the
 * writable directory). A trailing & runs the command in the background.
 * Builtins: help, exit [N], wait, jobs, kill [-SIG] PID..., cd [DIR] and
 * pwd.
 *
 * The kernel's tty edits the line (echo, backspace, Ctrl-U); on Ctrl-C
 * read fails with EINTR and the line is dropped; Ctrl-D at the start of
 * a line is the end of input, and the shell exits with the status of the
 * last command.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carapace_os.h"

#define LINE_SIZE 512

static int last_status;
static char hostname[SYS_NAME_MAX] = "carapace";

/* Console input, read a chunk at a time. */
static char inbuf[LINE_SIZE];
static size_t in_len, in_pos;

/* Reads one line into LINE, without its newline. Returns 1 for a line, 0
 * at the end of input, -1 if Ctrl-C dropped the line. */
static int read_line(char *line, size_t size)
{
    size_t n = 0;

    for (;;) {
        if (in_pos == in_len) {
            ssize_t got = read(0, inbuf, sizeof(inbuf));
            if (got < 0 && errno == EINTR)
                return -1;
            if (got <= 0) {
                line[n] = '\0';
                return n > 0;
            }
            in_len = (size_t)got;
            in_pos = 0;
        }
        char c = inbuf[in_pos++];
        if (c == '\n' || c == '\r') {
            line[n] = '\0';
            return 1;
        }
        if (n + 1 < size)
            line[n++] = c;
    }
}

/* A word of a command line: its text, and whether it is an unquoted
 * redirection operator (<, > or >>) rather than a word. */
struct word {
    char *text;
    bool op;
};

/* Copies a quoted run of *in (after its opening quote q) to *out; false
 * if the line ends first. Single quotes keep everything; so do double
 * quotes, but a backslash there escapes " and \. */
static bool split_quoted(char **in, char **out, char q)
{
    while (**in != q) {
        if (**in == '\0') {
            fprintf(stderr, "sh: missing closing quote\n");
            return false;
        }
        if (q == '"' && **in == '\\' && ((*in)[1] == '"' || (*in)[1] == '\\'))
            (*in)++;
        *(*out)++ = *(*in)++;
    }
    (*in)++;
    return true;
}

/* Splits LINE into at most MAX words, copied into the static wordbuf
 * (one more byte a word than the line: its NUL); returns how many, or -1
 * on an unterminated quote or too many words. Unquoted <, > and >> are
 * words of their own (marked op) even when written against another. */
static int split(const char *line, struct word *words, int max)
{
    static char wordbuf[LINE_SIZE * 2];
    char *in = (char *)line, *out = wordbuf;
    int count = 0;

    for (;;) {
        while (*in == ' ' || *in == '\t')
            in++;
        if (*in == '\0')
            return count;
        if (count == max) {
            fprintf(stderr, "sh: too many words (at most %d)\n", max);
            return -1;
        }
        words[count].text = out;
        words[count].op = *in == '<' || *in == '>';
        if (words[count].op) {
            *out++ = *in++;
            if (in[-1] == '>' && *in == '>')
                *out++ = *in++;
        }
        while (!words[count].op && *in != '\0' && *in != ' ' && *in != '\t' &&
               *in != '<' && *in != '>') {
            char c = *in++;

            if ((c == '"' || c == '\'') && !split_quoted(&in, &out, c))
                return -1;
            if (c != '"' && c != '\'')
                *out++ = c;
        }
        *out++ = '\0';
        count++;
    }
}

/* The redirections of a command: the files for its input and output. */
struct redir {
    const char *in, *out;
    bool append;
};

/* Takes the operators and their files out of words[0..n), leaving the
 * command's words in argv (NULL-terminated); argc, or -1 on a syntax
 * error. */
static int redirections(struct word *words, int n, char **argv, struct redir *r)
{
    int argc = 0;

    memset(r, 0, sizeof(*r));
    for (int i = 0; i < n; i++) {
        if (!words[i].op) {
            argv[argc++] = words[i].text;
            continue;
        }
        if (i + 1 == n || words[i + 1].op) {
            fprintf(stderr, "sh: %s needs a file name after it\n",
                    words[i].text);
            return -1;
        }
        if (words[i].text[0] == '<') {
            r->in = words[++i].text;
        } else {
            r->append = words[i].text[1] == '>';
            r->out = words[++i].text;
        }
    }
    argv[argc] = NULL;
    return argc;
}

/* Saved copies of the shell's own stdin and stdout while a command runs
 * redirected (fds the shell does not otherwise use). */
#define SH_SAVED_IN  14
#define SH_SAVED_OUT 15

/* Opens f on fd (saving the shell's own at saved): false, with a message,
 * if it cannot be opened. */
static bool redirect_one(const char *f, int flags, int fd, int saved)
{
    int file = open(f, flags, 0644);

    if (file < 0) {
        fprintf(stderr, "sh: %s: %s\n", f, strerror(errno));
        return false;
    }
    fflush(fd == 1 ? stdout : stdin);
    sys_dup2(fd, saved);
    sys_dup2(file, fd);
    close(file);
    return true;
}

static bool redirect_begin(const struct redir *r)
{
    int oflags = O_WRONLY | O_CREAT | (r->append ? O_APPEND : O_TRUNC);

    if (r->in && !redirect_one(r->in, O_RDONLY, 0, SH_SAVED_IN))
        return false;
    if (r->out && !redirect_one(r->out, oflags, 1, SH_SAVED_OUT)) {
        if (r->in) {
            sys_dup2(SH_SAVED_IN, 0);
            close(SH_SAVED_IN);
        }
        return false;
    }
    return true;
}

static void redirect_end(const struct redir *r)
{
    if (r->out) {
        fflush(stdout);
        sys_dup2(SH_SAVED_OUT, 1);
        close(SH_SAVED_OUT);
    }
    if (r->in) {
        sys_dup2(SH_SAVED_IN, 0);
        close(SH_SAVED_IN);
    }
}

static void list_bin(void)
{
    struct sys_dirent ent;
    int col = 0;

    for (uint64_t i = 0; sys_readdir("/bin", i, &ent) == 1; i++) {
        printf("  %-14s", ent.name);
        if (++col % 5 == 0)
            printf("\n");
    }
    if (col % 5 != 0)
        printf("\n");
}

static void help(void)
{
    printf("Builtins:\n"
           "  help           this list\n"
           "  exit [N]       leave the shell with status N (default: the "
           "last status)\n"
           "  wait           wait for every background command\n"
           "  jobs           list the background commands still running\n"
           "  cd [DIR], pwd  change (default /), show the working directory\n"
           "  kill [-SIG] PID...\n"
           "                 end processes (SIG: a number, INT, KILL or "
           "TERM, the\n"
           "                 default); a background command is waited for\n"
           "Commands end with & to run in the background; < FILE, > FILE "
           "and\n"
           ">> FILE redirect them ('quotes' keep words together; /tmp is "
           "writable).\n"
           "Programs in /bin:\n");
    list_bin();
}

/* Background jobs this shell started: `wait` waits for these only, since
 * orphans handed to the first process (cap's domain monitors) live on. */
#define JOBS_MAX    SYS_PROC_MAX
#define JOB_CMD_MAX 48
struct job {
    int pid; /* 0: a free slot */
    char cmd[JOB_CMD_MAX];
};
static struct job jobs[JOBS_MAX];

static struct job *job_find(int pid)
{
    for (int i = 0; i < JOBS_MAX; i++)
        if (jobs[i].pid == pid)
            return &jobs[i];
    return NULL;
}

/* Records a started job with its command line, for `jobs`. */
static void job_add(int pid, char **argv)
{
    struct job *j = job_find(0);
    size_t len = 0;

    if (!j)
        return;
    j->pid = pid;
    j->cmd[0] = '\0';
    for (int i = 0; argv[i] && len + 1 < sizeof(j->cmd); i++)
        len += (size_t)snprintf(j->cmd + len, sizeof(j->cmd) - len, "%s%s",
                                i ? " " : "", argv[i]);
}

static bool job_done(int pid, int status)
{
    struct job *j = job_find(pid);

    if (!pid || !j)
        return false;
    j->pid = 0;
    printf("[%d] done, exit status %d\n", pid, status);
    last_status = status;
    return true;
}

static void jobs_list(void)
{
    for (int i = 0; i < JOBS_MAX; i++)
        if (jobs[i].pid)
            printf("[%d] %s\n", jobs[i].pid, jobs[i].cmd);
    last_status = 0;
}

/* The signal of `kill -SIG`: a number or a name (without SIG). */
static int kill_signal(const char *arg)
{
    static const struct {
        const char *name;
        int sig;
    } names[] = {
        {"INT", SYS_SIGINT}, {"KILL", SYS_SIGKILL}, {"TERM", SYS_SIGTERM}};
    char *end;
    long sig;

    if (strncmp(arg, "SIG", 3) == 0)
        arg += 3;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(arg, names[i].name) == 0)
            return names[i].sig;
    sig = strtol(arg, &end, 10);
    return *arg && !*end && sig > 0 && sig <= 64 ? (int)sig : -1;
}

/* Sends SIG to PID; one of our jobs is then waited for, so that its end
 * is announced now rather than at some later prompt (every signal ends a
 * process, a sleeping one too). */
static int kill_one(const char *arg, int sig)
{
    char *end;
    long pid = strtol(arg, &end, 10);
    int status;

    if (!*arg || *end || pid <= 0 || pid > 0x7fffffff) {
        fprintf(stderr, "sh: kill: %s: not a process id\n", arg);
        return 1;
    }
    if (kill((int)pid, sig) < 0) {
        fprintf(stderr, "sh: kill: %ld: %s\n", pid, strerror(errno));
        return 1;
    }
    if (!job_find((int)pid))
        return 0;
    while (sys_wait((int)pid, &status) < 0)
        if (errno != EINTR)
            return 1;
    job_done((int)pid, status);
    return 0;
}

static void kill_builtin(int argc, char **argv)
{
    int i = 1, sig = SYS_SIGTERM, rc = 0;

    if (argc > 1 && argv[1][0] == '-') {
        sig = kill_signal(argv[1] + 1);
        i = 2;
    }
    if (sig < 0 || i >= argc) {
        fprintf(stderr, "usage: kill [-SIG] PID... (SIG: 1..64, INT, KILL, "
                        "TERM)\n");
        last_status = 2;
        return;
    }
    for (; i < argc; i++)
        rc |= kill_one(argv[i], sig);
    last_status = rc;
}

static void wait_all(void)
{
    int status;

    for (int i = 0; i < JOBS_MAX; i++) {
        int pid = jobs[i].pid;

        if (pid && sys_wait(pid, &status) == pid)
            job_done(pid, status);
        jobs[i].pid = 0;
    }
}

/* Before each prompt: collect every child that has ended (jobs are
 * announced; adopted orphans are only freed), so none stays a zombie. */
static void reap(void)
{
    int pid, status;

    while ((pid = sys_wait_nohang(-1, &status)) > 0)
        job_done(pid, status);
}

static void run(char **argv, int background)
{
    char path[SYS_NAME_MAX + 8];
    int pid, status;

    if (strchr(argv[0], '/'))
        snprintf(path, sizeof(path), "%s", argv[0]);
    else
        snprintf(path, sizeof(path), "/bin/%s", argv[0]);

    pid = sys_spawn(path, argv, background ? 0 : SYS_SPAWN_FG);
    if (pid < 0) {
        if (errno == ENOENT) {
            fprintf(stderr, "sh: %s: command not found\n", argv[0]);
            last_status = 127;
        } else {
            fprintf(stderr, "sh: %s: %s\n", argv[0], strerror(errno));
            last_status = 126;
        }
        return;
    }
    if (background) {
        job_add(pid, argv);
        printf("[%d]\n", pid);
        last_status = 0;
        return;
    }
    while (sys_wait(pid, &status) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "sh: wait for %s: %s\n", argv[0], strerror(errno));
            last_status = 126;
            return;
        }
    }
    last_status = status;
    if (status != 0)
        fprintf(stderr, "sh: %s: exit status %d\n", argv[0], status);
}

/* cd [DIR]: DIR, or / without one (there is no home). */
static void cd_builtin(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/";

    last_status = 0;
    if (argc > 2 || sys_chdir(dir) < 0) {
        fprintf(stderr, "sh: cd: %s: %s\n", dir,
                argc > 2 ? "too many arguments" : strerror(errno));
        last_status = 1;
    }
}

static void pwd_builtin(void)
{
    char dir[256];

    last_status = 0;
    if (sys_getcwd(dir, sizeof(dir)) < 0) {
        fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
        last_status = 1;
        return;
    }
    printf("%s\n", dir);
}

/* The builtins, else a program. */
static void dispatch(int argc, char **argv, int background)
{
    if (strcmp(argv[0], "help") == 0) {
        help();
    } else if (strcmp(argv[0], "exit") == 0) {
        exit(argc > 1 ? atoi(argv[1]) : last_status);
    } else if (strcmp(argv[0], "wait") == 0) {
        wait_all();
    } else if (strcmp(argv[0], "jobs") == 0) {
        jobs_list();
    } else if (strcmp(argv[0], "kill") == 0) {
        kill_builtin(argc, argv);
    } else if (strcmp(argv[0], "cd") == 0) {
        cd_builtin(argc, argv);
    } else if (strcmp(argv[0], "pwd") == 0) {
        pwd_builtin();
    } else {
        fflush(stdout);
        run(argv, background);
    }
}

static void execute(char *line)
{
    struct word words[SYS_ARGV_MAX + 1];
    char *argv[SYS_ARGV_MAX + 1];
    struct redir r;
    int n = split(line, words, SYS_ARGV_MAX);
    int background = 0, argc;

    if (n > 0 && !words[n - 1].op && strcmp(words[n - 1].text, "&") == 0) {
        background = 1;
        n--;
    } else if (n > 0 && !words[n - 1].op) {
        size_t len = strlen(words[n - 1].text);

        if (len > 1 && words[n - 1].text[len - 1] == '&') {
            words[n - 1].text[len - 1] = '\0';
            background = 1;
        }
    }
    if (n <= 0)
        return;
    argc = redirections(words, n, argv, &r);
    if (argc < 0) {
        last_status = 2;
        return;
    }
    if (argc == 0)
        return;
    if (!redirect_begin(&r)) {
        last_status = 1;
        return;
    }
    dispatch(argc, argv, background);
    redirect_end(&r);
}

int main(void)
{
    char line[LINE_SIZE];

    sys_hostname(hostname, sizeof(hostname));
    for (;;) {
        reap();
        printf("%s# ", hostname);
        fflush(stdout);
        int got = read_line(line, sizeof(line));
        if (got < 0)
            continue; /* the tty has echoed "^C" and a newline */
        if (got == 0) {
            printf("\n");
            return last_status;
        }
        execute(line);
    }
}
