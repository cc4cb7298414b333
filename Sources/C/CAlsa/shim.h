#include <alsa/asoundlib.h>

// alsa-lib prints its errors to standard error, which is the kiosk's screen: they are dropped, and the
// adapter reports what failed itself. (A variadic handler cannot be written in Swift.)
static void bianmin_alsa_silent(const char *file, int line, const char *function, int err, const char *fmt, ...) {}
static inline void bianmin_alsa_quiet(void) { snd_lib_error_set_handler(bianmin_alsa_silent); }
