// C wrappers over libgooglepinyin's C++ API, so Swift can call it. No C++ exception may cross into
// Swift (it would abort the kiosk): a damaged dictionary makes the library throw std::bad_alloc.
#include "cpinyin.h"
#include <googlepinyin/pinyinime.h>

using namespace ime_pinyin;

extern "C" bool bm_pinyin_open(const char *dict_path, const char *user_dict_path) {
    try {
        return im_open_decoder(dict_path, user_dict_path);
    } catch (...) {
        return false;
    }
}

extern "C" size_t bm_pinyin_search(const char *pinyin, size_t length) {
    try {
        return im_search(pinyin, length);
    } catch (...) {
        return 0;
    }
}

extern "C" size_t bm_pinyin_candidate(size_t index, char *out, size_t capacity) {
    char16 buffer[64];
    char16 *candidate;
    try {
        candidate = im_get_candidate(index, buffer, 64);
    } catch (...) {
        return 0;
    }
    if (candidate == nullptr || capacity == 0) return 0;
    // The dictionary stores UTF-16 code units; encode them as UTF-8.
    size_t written = 0;
    for (size_t i = 0; i < 64 && buffer[i] != 0; i++) {
        unsigned int cp = buffer[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < 64 && buffer[i + 1] >= 0xDC00 && buffer[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (buffer[i + 1] - 0xDC00);
            i++;
        }
        char bytes[4];
        size_t n;
        if (cp < 0x80) { bytes[0] = (char)cp; n = 1; }
        else if (cp < 0x800) { bytes[0] = (char)(0xC0 | (cp >> 6)); bytes[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
        else if (cp < 0x10000) { bytes[0] = (char)(0xE0 | (cp >> 12)); bytes[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); bytes[2] = (char)(0x80 | (cp & 0x3F)); n = 3; }
        else { bytes[0] = (char)(0xF0 | (cp >> 18)); bytes[1] = (char)(0x80 | ((cp >> 12) & 0x3F)); bytes[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); bytes[3] = (char)(0x80 | (cp & 0x3F)); n = 4; }
        if (written + n >= capacity) break;
        for (size_t k = 0; k < n; k++) out[written++] = bytes[k];
    }
    out[written] = 0;
    return written;
}

extern "C" size_t bm_pinyin_spelling_starts(size_t *out, size_t capacity) {
    const uint16 *starts = nullptr;
    size_t count;
    try {
        count = im_get_spl_start_pos(starts);
    } catch (...) {
        return 0;
    }
    if (starts == nullptr) return 0;
    size_t written = 0;
    for (size_t i = 0; i <= count && written < capacity; i++) out[written++] = starts[i];
    return written;
}

extern "C" void bm_pinyin_close(void) {
    im_close_decoder();
}
