/*
 * A small C shim around libpng's low-level read and write API.
 *
 * libpng reports errors by longjmp. A longjmp must never cross a Swift frame, so every setjmp
 * lives in this file and every entry point returns an ordinary status code instead: 0 on
 * success, -1 on failure with libpng's reason in the reader or in the caller's message buffer.
 *
 * The decoder deliberately avoids libpng's simplified `png_image_*` API: that one converts to
 * sRGB (applying gAMA, treating 16-bit data as linear), and we want the stored sample values.
 */
#ifndef AUGMENT_PNG_SHIM_H
#define AUGMENT_PNG_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Room for libpng's messages (they are short: "IDAT: CRC error") plus our own context. */
#define AUG_PNG_MESSAGE_CAPACITY 256

/** What the file's IHDR says, and what the decoder will deliver. */
typedef struct {
    uint32_t width;
    uint32_t height;
    int bit_depth;        /* as stored: 1, 2, 4, 8 or 16 */
    int color_type;       /* as stored: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA */
    int interlaced;       /* 1 for Adam7 */
    int has_transparency; /* a tRNS chunk was present */
    int channels;         /* decoded 8-bit channels: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA */
} aug_png_header;

typedef struct aug_png_reader aug_png_reader;

/**
 * Makes a reader over `size` bytes at `data`, which must outlive the reader.
 * Returns NULL only when memory is exhausted.
 */
aug_png_reader *aug_png_reader_create(const uint8_t *data, size_t size);

/**
 * Neither computes nor checks the zlib stream's Adler-32 (the chunks' CRCs are still checked):
 * for decodes that may stop before the stream's end (`aug_png_read_leading_rows`), where it
 * could not be checked. Must come before `aug_png_read_header`.
 */
void aug_png_reader_skip_adler32(aug_png_reader *reader);

/**
 * Reads the signature and every chunk up to the image data, and sets up the decoding to 8 bits
 * per channel (palette expanded, low bit depths scaled to 0-255, 16-bit scaled with rounding,
 * tRNS turned into an alpha channel, no gamma correction).
 * Refuses images of more than `max_pixels` pixels before any buffer of image size is allocated:
 * it then returns AUG_PNG_TOO_MANY_PIXELS with the sizes in `header`.
 */
#define AUG_PNG_TOO_MANY_PIXELS (-2)
int aug_png_read_header(aug_png_reader *reader, uint64_t max_pixels, aug_png_header *header);

/**
 * Decodes the pixels into `pixels`, `header.height` rows of `row_stride` bytes each
 * (`row_stride >= width * channels`), then reads and checks the chunks after the image data.
 * Must follow a successful `aug_png_read_header`.
 */
int aug_png_read_pixels(aug_png_reader *reader, uint8_t *pixels, size_t row_stride);

/**
 * Decodes only the first `rows` rows into `pixels` (as `aug_png_read_pixels`, which it is when
 * `rows` is the height or more, or the image is interlaced: Adam7 spreads every row over the
 * whole stream), leaving the rows below untouched, and stops inflating there. The rest of the
 * file is still checked without decoding it: every chunk up to IEND must be present and whole,
 * and every critical chunk's CRC must match (as libpng checks them), with no second IHDR after
 * the image data. What is not checked is the compressed data
 * below the last row read: whether it holds every row, its deflate stream and Adler-32 (which
 * the caller may skip for every file, `aug_png_reader_skip_adler32`).
 */
int aug_png_read_leading_rows(aug_png_reader *reader, uint8_t *pixels, size_t row_stride, uint32_t rows);

/** The reason for the last failure (empty when there was none). */
const char *aug_png_reader_message(const aug_png_reader *reader);

void aug_png_reader_destroy(aug_png_reader *reader);

/** Compression settings for `aug_png_encode`. */
typedef struct {
    int level;    /* zlib level 0-9 */
    int strategy; /* zlib strategy: 0 default, 1 filtered, 2 Huffman only, 3 RLE, 4 fixed */
    int filters;  /* libpng PNG_FILTER_* flags (PNG_ALL_FILTERS lets libpng choose per row) */
} aug_png_compression;

/** A growable byte buffer that `aug_png_encode` fills; release it with `aug_png_buffer_free`. */
typedef struct {
    uint8_t *bytes;
    size_t count;
    size_t capacity;
} aug_png_buffer;

/**
 * Encodes 8-bit pixels of 1-4 channels (grey, grey+alpha, RGB, RGBA) as a non-interlaced PNG
 * into `output` (which must start empty). On failure `output` is released and `message`
 * (of `message_capacity` bytes) holds the reason.
 */
int aug_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_stride,
                   int channels, aug_png_compression compression, aug_png_buffer *output,
                   char *message, size_t message_capacity);

void aug_png_buffer_free(aug_png_buffer *buffer);

/** libpng's version string, for `--version` and benchmark reports. */
const char *aug_png_libpng_version(void);

#ifdef __cplusplus
}
#endif

#endif
