#include <zlib.h>

// deflateInit2 and inflateInit2 are macros, which Swift cannot call.

/// Starts a gzip (RFC 1952) deflate stream.
static inline int czlib_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

/// Starts an inflate stream that accepts gzip (RFC 1952) only.
static inline int czlib_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}
