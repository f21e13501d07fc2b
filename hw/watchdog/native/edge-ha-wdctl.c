/*
 * edge-ha-wdctl: the watchdog ioctls Node cannot make (hardware-protocols.md
 * §7.2). Node keeps /dev/watchdog open itself and passes the descriptor in
 * (--fd N), so this program never becomes the single opener and never
 * decides whether the watchdog stops. With --dev PATH it opens the device
 * itself (opening starts the watchdog); it then writes the magic 'V' before
 * closing only when given --release.
 *
 * Output: exactly one line per command on stdout,
 *   ok key=value ...
 *   error op=<what> errno=<NAME> message="<text>"
 * Exit status: 0 ok, 1 an operation failed, 2 usage error.
 *
 * Commands:
 *   info                 GETSUPPORT + GETSTATUS + GETBOOTSTATUS + GETTIMEOUT (+ GETTIMELEFT if supported)
 *   get-timeout          GETTIMEOUT
 *   set-timeout SECONDS  SETTIMEOUT, prints the value the driver wrote back
 *   get-bootstatus       GETBOOTSTATUS (cardreset=1: last reboot was caused by the watchdog)
 *   keepalive            one write of a byte other than 'V'
 *   serve                read commands from stdin, one per line, one reply line each:
 *                        k (keepalive), t SECONDS, g (get timeout), b (bootstatus),
 *                        i (info), V (magic close: write 'V', close, exit 0), q (exit without 'V').
 *                        End of input exits without 'V': if the daemon died, the watchdog must fire.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/watchdog.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define LINE_MAX_CHARS 64

static const char *errno_name(int e)
{
	switch (e) {
	case ENOTTY: return "ENOTTY";
	case EBADF: return "EBADF";
	case EBUSY: return "EBUSY";
	case EINVAL: return "EINVAL";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENXIO: return "ENXIO";
	case EIO: return "EIO";
	case ENODEV: return "ENODEV";
	case EFAULT: return "EFAULT";
	case EAGAIN: return "EAGAIN";
	default: return "EOTHER";
	}
}

/* Print a string in double quotes; '"', '\\' and non-printable bytes are escaped. */
static void print_quoted(const char *s, size_t max)
{
	putchar('"');
	for (size_t i = 0; i < max && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int fail(const char *op, int e)
{
	/* op may hold a path: quote it like the message. */
	printf("error op=");
	print_quoted(op, 96);
	printf(" errno=%s errnum=%d message=", errno_name(e), e);
	char text[160];
	if (e == ENOTTY)
		snprintf(text, sizeof text, "%s: not a watchdog device (%s)", op, strerror(e));
	else
		snprintf(text, sizeof text, "%s: %s", op, strerror(e));
	print_quoted(text, sizeof text);
	putchar('\n');
	fflush(stdout);
	return 1;
}

static int get_int(int fd, unsigned long req, int *out)
{
	*out = 0;
	return ioctl(fd, req, out);
}

static int cmd_info(int fd)
{
	struct watchdog_info wi;
	memset(&wi, 0, sizeof wi);
	if (ioctl(fd, WDIOC_GETSUPPORT, &wi) < 0)
		return fail("WDIOC_GETSUPPORT", errno);
	int status = 0, boot = 0, timeout = 0, left = 0;
	if (get_int(fd, WDIOC_GETSTATUS, &status) < 0)
		return fail("WDIOC_GETSTATUS", errno);
	if (get_int(fd, WDIOC_GETBOOTSTATUS, &boot) < 0)
		return fail("WDIOC_GETBOOTSTATUS", errno);
	printf("ok options=0x%x firmware=%u identity=", wi.options, wi.firmware_version);
	print_quoted((const char *)wi.identity, sizeof wi.identity);
	printf(" status=0x%x bootstatus=0x%x cardreset=%d", status, boot, (boot & WDIOF_CARDRESET) ? 1 : 0);
	/* Drivers without SETTIMEOUT may still answer GETTIMEOUT; a failure is reported as a value, not an error. */
	if (get_int(fd, WDIOC_GETTIMEOUT, &timeout) == 0)
		printf(" timeout=%d", timeout);
	else
		printf(" timeout=unsupported");
	if (get_int(fd, WDIOC_GETTIMELEFT, &left) == 0)
		printf(" timeleft=%d", left);
	else
		printf(" timeleft=unsupported");
	putchar('\n');
	fflush(stdout);
	return 0;
}

static int cmd_get_timeout(int fd)
{
	int t;
	if (get_int(fd, WDIOC_GETTIMEOUT, &t) < 0)
		return fail("WDIOC_GETTIMEOUT", errno);
	printf("ok timeout=%d\n", t);
	fflush(stdout);
	return 0;
}

static int parse_seconds(const char *text, int *out)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*out = (int)v;
	return 0;
}

static int cmd_set_timeout(int fd, const char *arg)
{
	int t;
	if (arg == NULL || parse_seconds(arg, &t) < 0) {
		printf("error op=parse errno=EINVAL errnum=%d message=\"timeout must be an integer 1..65535 seconds\"\n", EINVAL);
		fflush(stdout);
		return 1;
	}
	int requested = t;
	if (ioctl(fd, WDIOC_SETTIMEOUT, &t) < 0)
		return fail("WDIOC_SETTIMEOUT", errno);
	printf("ok requested=%d timeout=%d\n", requested, t);
	fflush(stdout);
	return 0;
}

static int cmd_bootstatus(int fd)
{
	int b;
	if (get_int(fd, WDIOC_GETBOOTSTATUS, &b) < 0)
		return fail("WDIOC_GETBOOTSTATUS", errno);
	printf("ok bootstatus=0x%x cardreset=%d\n", b, (b & WDIOF_CARDRESET) ? 1 : 0);
	fflush(stdout);
	return 0;
}

static int write_byte(int fd, char c, const char *op)
{
	ssize_t n;
	do {
		n = write(fd, &c, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1)
		return fail(op, n < 0 ? errno : EIO);
	return 0;
}

static int cmd_keepalive(int fd)
{
	if (write_byte(fd, 'k', "write-keepalive") != 0)
		return 1;
	printf("ok keepalive=1\n");
	fflush(stdout);
	return 0;
}

/* One stdin command per line; returns 1 when the loop must end (after V or q). */
static int serve_line(int fd, char *line, int *done)
{
	size_t len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (strcmp(line, "k") == 0)
		return cmd_keepalive(fd);
	if (strcmp(line, "g") == 0)
		return cmd_get_timeout(fd);
	if (strcmp(line, "b") == 0)
		return cmd_bootstatus(fd);
	if (strcmp(line, "i") == 0)
		return cmd_info(fd);
	if (strncmp(line, "t ", 2) == 0)
		return cmd_set_timeout(fd, line + 2);
	if (strcmp(line, "V") == 0) {
		*done = 1;
		if (write_byte(fd, 'V', "write-magic-close") != 0)
			return 1;
		if (close(fd) < 0)
			return fail("close", errno);
		printf("ok released=1\n");
		fflush(stdout);
		return 0;
	}
	if (strcmp(line, "q") == 0) {
		*done = 1;
		printf("ok released=0\n");
		fflush(stdout);
		return 0;
	}
	printf("error op=parse errno=EINVAL errnum=%d message=\"unknown serve command (k, t SECONDS, g, b, i, V, q)\"\n", EINVAL);
	fflush(stdout);
	return 1;
}

static int cmd_serve(int fd)
{
	char line[LINE_MAX_CHARS];
	int done = 0;
	while (!done && fgets(line, sizeof line, stdin) != NULL) {
		if (strchr(line, '\n') == NULL && !feof(stdin)) {
			/* Overlong line: drain the rest so it is answered once, not in pieces. */
			int c;
			while ((c = getchar()) != EOF && c != '\n')
				;
			printf("error op=parse errno=EINVAL errnum=%d message=\"command line longer than %d characters\"\n", EINVAL, LINE_MAX_CHARS - 2);
			fflush(stdout);
			continue;
		}
		serve_line(fd, line, &done);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: edge-ha-wdctl (--fd N | --dev PATH [--release]) "
			"(info | get-timeout | set-timeout SECONDS | get-bootstatus | keepalive | serve)\n");
	return 2;
}

int main(int argc, char **argv)
{
	int fd = -1, own = 0, release = 0, i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--fd") == 0 && i + 1 < argc) {
			char *end = NULL;
			long v = strtol(argv[++i], &end, 10);
			if (end == argv[i] || *end != '\0' || v < 0 || v > INT_MAX)
				return usage();
			fd = (int)v;
		} else if (strcmp(argv[i], "--dev") == 0 && i + 1 < argc) {
			const char *path = argv[++i];
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd < 0) {
				int e = errno;
				char op[96];
				snprintf(op, sizeof op, "open %s", path);
				return fail(op, e);
			}
			own = 1;
		} else if (strcmp(argv[i], "--release") == 0) {
			release = 1;
		} else {
			return usage();
		}
	}
	if (fd < 0 || i >= argc)
		return usage();
	const char *cmd = argv[i];
	const char *arg = i + 1 < argc ? argv[i + 1] : NULL;
	int rc;
	if (strcmp(cmd, "info") == 0)
		rc = cmd_info(fd);
	else if (strcmp(cmd, "get-timeout") == 0)
		rc = cmd_get_timeout(fd);
	else if (strcmp(cmd, "set-timeout") == 0)
		rc = cmd_set_timeout(fd, arg);
	else if (strcmp(cmd, "get-bootstatus") == 0)
		rc = cmd_bootstatus(fd);
	else if (strcmp(cmd, "keepalive") == 0)
		rc = cmd_keepalive(fd);
	else if (strcmp(cmd, "serve") == 0)
		return cmd_serve(fd);
	else
		return usage();
	/* With --fd the descriptor belongs to the parent: exiting only drops our copy. */
	if (own && release)
		(void)write(fd, "V", 1);
	return rc;
}
