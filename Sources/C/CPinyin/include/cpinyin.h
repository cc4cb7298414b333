#ifndef BIANMIN_CPINYIN_H
#define BIANMIN_CPINYIN_H
#include <stddef.h>
#include <stdbool.h>
#ifdef __cplusplus
extern "C" {
#endif
/// Opens the decoder with the system dictionary; returns false when it cannot be read.
bool bm_pinyin_open(const char *dict_path, const char *user_dict_path);
/// Searches candidates for a pinyin string; returns how many there are.
size_t bm_pinyin_search(const char *pinyin, size_t length);
/// Writes candidate `index` as UTF-8 into `out`; returns its byte length, or 0.
size_t bm_pinyin_candidate(size_t index, char *out, size_t capacity);
/// Writes where each spelling of the last search starts (and, last, where the final one ends) into
/// `out`; returns how many positions there are (0 when none).
size_t bm_pinyin_spelling_starts(size_t *out, size_t capacity);
/// Closes the decoder.
void bm_pinyin_close(void);
#ifdef __cplusplus
}
#endif
#endif
