#include "png_shim.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---------------------------------------------------------------- errors */

/* libpng calls this with the reason; we keep it and jump back to the entry point's setjmp. */
static void aug_store_error(png_structp png, png_const_charp reason) {
    char *message = (char *)png_get_error_ptr(png);
    if (message != NULL) {
        snprintf(message, AUG_PNG_MESSAGE_CAPACITY, "%s", reason ? reason : "unknown libpng error");
    }
    png_longjmp(png, 1);
}

/* Warnings (a bad ancillary chunk, an unknown sRGB profile) do not stop a decode. */
static void aug_ignore_warning(png_structp png, png_const_charp reason) {
    (void)png;
    (void)reason;
}

/* ---------------------------------------------------------------- reading */

struct aug_png_reader {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    int header_done;
    char message[AUG_PNG_MESSAGE_CAPACITY];
};

static void aug_read_from_memory(png_structp png, png_bytep out, size_t count) {
    aug_png_reader *reader = (aug_png_reader *)png_get_io_ptr(png);
    if (count > reader->size - reader->offset) {
        /* Short data: the file ends in the middle of a chunk. */
        png_error(png, "file is truncated");
    }
    memcpy(out, reader->data + reader->offset, count);
    reader->offset += count;
}

aug_png_reader *aug_png_reader_create(const uint8_t *data, size_t size) {
    aug_png_reader *reader = (aug_png_reader *)calloc(1, sizeof(aug_png_reader));
    if (reader == NULL) return NULL;
    reader->data = data;
    reader->size = size;
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader->message,
                                         aug_store_error, aug_ignore_warning);
    if (reader->png != NULL) reader->info = png_create_info_struct(reader->png);
    if (reader->png == NULL || reader->info == NULL) {
        aug_png_reader_destroy(reader);
        return NULL;
    }
    png_set_read_fn(reader->png, reader, aug_read_from_memory);
    return reader;
}

void aug_png_reader_skip_adler32(aug_png_reader *reader) {
    /* libpng turns the check off (zlib's inflateValidate) when it claims the stream for IDAT,
       in png_read_update_info: so before aug_png_read_header. It never calls png_error here.
       A libpng built against a zlib older than 1.2.9 has no inflateValidate and ignores this:
       the check is then made whenever a decode reaches the stream's end. */
    png_set_option(reader->png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
}

int aug_png_read_header(aug_png_reader *reader, uint64_t max_pixels, aug_png_header *header) {
    png_structp png = reader->png;
    png_infop info = reader->info;
    reader->message[0] = '\0';
    if (reader->size == 0) {
        snprintf(reader->message, sizeof reader->message, "file is empty");
        return -1;
    }
    /* A file shorter than the signature is "truncated" only if what it has is a PNG's start. */
    if (reader->size < 8 && png_sig_cmp(reader->data, 0, reader->size) != 0) {
        snprintf(reader->message, sizeof reader->message, "Not a PNG file");
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) return -1;

    /* Our own pixel limit governs, not libpng's default of a million pixels a side. */
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    /* Every ancillary chunk but tRNS is skipped unread: we apply no gamma, colour profile or
       text, and libpng would otherwise allocate a text chunk's declared length first (2 GB for
       a 19 KB file: its size limit for such chunks only warns on read; found by fuzz-png). */
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    header->width = width;
    header->height = height;
    header->bit_depth = bit_depth;
    header->color_type = color_type;
    header->interlaced = interlace == PNG_INTERLACE_ADAM7;
    if ((uint64_t)width * (uint64_t)height > max_pixels) return AUG_PNG_TOO_MANY_PIXELS;
    int has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;

    /* Palette to RGB(A), grey below 8 bits scaled to 0-255, tRNS to an alpha channel. */
    png_set_expand(png);
    /* 16 to 8 bits with rounding (png_set_strip_16 would truncate). */
    png_set_scale_16(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    header->has_transparency = has_trns;
    header->channels = png_get_channels(png, info);
    if (png_get_bit_depth(png, info) != 8 || header->channels < 1 || header->channels > 4) {
        snprintf(reader->message, sizeof reader->message, "unsupported pixel layout");
        return -1;
    }
    reader->header_done = 1;
    return 0;
}

int aug_png_read_pixels(aug_png_reader *reader, uint8_t *pixels, size_t row_stride) {
    return aug_png_read_leading_rows(reader, pixels, row_stride, UINT32_MAX);
}

static uint32_t aug_big_endian_u32(const uint8_t *bytes) {
    return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
}

/* After a decode that stopped early: walks every chunk of the file to IEND, checking that each
   is whole, that the CRC of each critical chunk libpng has not finished reading matches (libpng
   only warns about an ancillary chunk's CRC, and skips those chunks), and that no chunk it has
   not read is one it would refuse after the image data: a second IHDR (it lets an unknown
   critical chunk or a late PLTE pass there). Messages as libpng's. What only inflating finds (a deflate stream that ends
   before the last row, or is damaged) is not found. */
static int aug_check_chunks_to_end(aug_png_reader *reader) {
    const uint8_t *data = reader->data;
    size_t size = reader->size;
    size_t at = 8;
    for (;;) {
        if (size - at < 8) break;
        uint32_t length = aug_big_endian_u32(data + at);
        if (length > PNG_UINT_31_MAX) {
            snprintf(reader->message, sizeof reader->message, "PNG unsigned integer out of range");
            return -1;
        }
        if (size - at < 12 || length > size - at - 12) break;
        const uint8_t *type = data + at + 4;
        size_t end = at + 12 + (size_t)length;
        int critical = (type[0] & 0x20) == 0;
        if (at >= reader->offset && memcmp(type, "IHDR", 4) == 0) {
            snprintf(reader->message, sizeof reader->message, "IHDR: out of place");
            return -1;
        }
        if (critical && end > reader->offset) {
            uLong crc = crc32(crc32(0L, Z_NULL, 0), type, 4 + length);
            if (crc != aug_big_endian_u32(data + at + 8 + length)) {
                snprintf(reader->message, sizeof reader->message, "%.4s: CRC error", (const char *)type);
                return -1;
            }
        }
        if (memcmp(type, "IEND", 4) == 0) return 0;
        at = end;
    }
    snprintf(reader->message, sizeof reader->message, "file is truncated");
    return -1;
}

int aug_png_read_leading_rows(aug_png_reader *reader, uint8_t *pixels, size_t row_stride, uint32_t rows) {
    png_structp png = reader->png;
    reader->message[0] = '\0';
    if (!reader->header_done) {
        snprintf(reader->message, sizeof reader->message, "the header was not read");
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) return -1;

    png_uint_32 height = png_get_image_height(png, reader->info);
    /* Each Adam7 pass is combined into the rows already there, so no row-pointer array is needed. */
    int passes = png_set_interlace_handling(png);
    if (passes > 1 || rows > height) rows = height;
    for (int pass = 0; pass < passes; pass++) {
        for (png_uint_32 y = 0; y < rows; y++) {
            png_read_row(png, pixels + (size_t)y * row_stride, NULL);
        }
    }
    if (rows < height) return aug_check_chunks_to_end(reader);
    /* Reads the chunks after the image data, checking their CRCs, up to IEND. */
    png_read_end(png, NULL);
    return 0;
}

const char *aug_png_reader_message(const aug_png_reader *reader) {
    return reader->message;
}

void aug_png_reader_destroy(aug_png_reader *reader) {
    if (reader == NULL) return;
    if (reader->png != NULL) {
        png_destroy_read_struct(&reader->png, reader->info ? &reader->info : NULL, NULL);
    }
    free(reader);
}

/* ---------------------------------------------------------------- writing */

typedef struct {
    aug_png_buffer *buffer;
    char message[AUG_PNG_MESSAGE_CAPACITY];
} aug_write_context;

static void aug_write_to_memory(png_structp png, png_bytep bytes, size_t count) {
    aug_write_context *context = (aug_write_context *)png_get_io_ptr(png);
    aug_png_buffer *buffer = context->buffer;
    if (count > buffer->capacity - buffer->count) {
        size_t capacity = buffer->capacity ? buffer->capacity : 65536;
        while (capacity - buffer->count < count) capacity *= 2;
        uint8_t *grown = (uint8_t *)realloc(buffer->bytes, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        buffer->bytes = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->count, bytes, count);
    buffer->count += count;
}

static void aug_flush_nothing(png_structp png) { (void)png; }

int aug_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_stride,
                   int channels, aug_png_compression compression, aug_png_buffer *output,
                   char *message, size_t message_capacity) {
    static const int color_types[5] = {-1, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                       PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    if (channels < 1 || channels > 4) {
        snprintf(message, message_capacity, "cannot encode %d channels", channels);
        return -1;
    }
    /* Everything the error path touches lives in memory that setjmp does not restore. */
    aug_write_context *context = (aug_write_context *)calloc(1, sizeof(aug_write_context));
    if (context == NULL) {
        snprintf(message, message_capacity, "out of memory");
        return -1;
    }
    context->buffer = output;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, context->message,
                                              aug_store_error, aug_ignore_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (info == NULL) {
        if (png) png_destroy_write_struct(&png, NULL);
        free(context);
        snprintf(message, message_capacity, "out of memory");
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        snprintf(message, message_capacity, "%s", context->message);
        png_destroy_write_struct(&png, &info);
        free(context);
        aug_png_buffer_free(output);
        return -1;
    }
    png_set_write_fn(png, context, aug_write_to_memory, aug_flush_nothing);
    png_set_IHDR(png, info, width, height, 8, color_types[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, compression.level);
    png_set_compression_strategy(png, compression.strategy);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, compression.filters);
    png_write_info(png, info);
    for (uint32_t y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)y * row_stride));
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(context);
    return 0;
}

void aug_png_buffer_free(aug_png_buffer *buffer) {
    free(buffer->bytes);
    buffer->bytes = NULL;
    buffer->count = 0;
    buffer->capacity = 0;
}

const char *aug_png_libpng_version(void) {
    return png_get_libpng_ver(NULL);
}
