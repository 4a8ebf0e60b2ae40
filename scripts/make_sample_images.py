#!/usr/bin/env python3
"""Makes the small sample PNGs in images/ from scratch, with the Python standard library only.

    python3 scripts/make_sample_images.py            # writes into images/ beside this script's parent
    python3 scripts/make_sample_images.py OUT_DIR    # or anywhere else
    python3 scripts/make_sample_images.py --check    # regenerate in memory, compare with the files

Everything is drawn here (gradients, anti-aliased shapes, value-noise texture, ordered
dithering) and written by hand: PNG signature, chunks with their CRC-32, the five row filters
chosen per row (minimum sum of absolute differences, as libpng's adaptive filtering does),
Adam7 interlacing, and zlib streams from the zlib module. There is no randomness outside fixed
seeds, so the pixels are the same on every machine; the bytes are too as long as zlib's
level-9 output is (it is for zlib 1.2.x/1.3.x; another deflate implementation may pick other,
equally valid, bit streams).

The files cover the PNG colour types and bit depths a decoder must handle: RGB, grey, RGBA,
grey+alpha, palette with and without tRNS, 16-bit, 1- and 2-bit grey, one Adam7-interlaced
file, and IDAT data split over several chunks.
"""
import math
import os
import struct
import sys
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
IDAT_CHUNK = 4096  # bytes of zlib data per IDAT chunk: the bigger files get several
SOFTWARE = b"swift-augment scripts/make_sample_images.py"

# colour type -> samples per pixel
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
COLOUR_NAMES = {0: "grey", 2: "RGB", 3: "palette", 4: "grey+alpha", 6: "RGBA"}

# Adam7: (x start, y start, x step, y step) of each pass
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


# ------------------------------------------------------------------------------------ PNG writing

def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(samples, bit_depth):
    """Packs one row of sample values (ints) into bytes at the given bit depth."""
    if bit_depth == 8:
        return bytes(samples)
    if bit_depth == 16:
        return struct.pack(">%dH" % len(samples), *samples)
    per_byte = 8 // bit_depth
    out = bytearray()
    for i in range(0, len(samples), per_byte):
        group = samples[i:i + per_byte]
        byte = 0
        for j, s in enumerate(group):
            byte |= s << (8 - bit_depth * (j + 1))
        out.append(byte)
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind, row, prior, bpp):
    out = bytearray(len(row))
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        if kind == 0:
            p = 0
        elif kind == 1:
            p = a
        elif kind == 2:
            p = b
        elif kind == 3:
            p = (a + b) >> 1
        else:
            p = paeth(a, b, c)
        out[i] = (x - p) & 0xFF
    return bytes(out)


def filter_rows(rows, bpp, palette_like):
    """Filters rows; each row gets the filter with the smallest sum of |signed bytes|.

    Palette and low-bit-depth images use no filter, as the PNG specification recommends.
    """
    out = bytearray()
    prior = bytes(len(rows[0])) if rows else b""
    for row in rows:
        if palette_like:
            best_kind, best = 0, row
        else:
            best_kind, best, best_cost = 0, None, None
            for kind in range(5):
                candidate = filter_row(kind, row, prior, bpp)
                cost = sum(v if v < 128 else 256 - v for v in candidate)
                if best_cost is None or cost < best_cost:
                    best_kind, best, best_cost = kind, candidate, cost
        out.append(best_kind)
        out += best
        prior = row
    return bytes(out)


def encode_png(width, height, colour_type, bit_depth, pixels, palette=None, trns=None, interlaced=False):
    """pixels: a list of rows, each a flat list of sample values (channels interleaved)."""
    channels = CHANNELS[colour_type]
    bits_per_pixel = channels * bit_depth
    bpp = max(1, bits_per_pixel // 8)
    palette_like = colour_type == 3 or bit_depth < 8

    def scanlines(x0, y0, dx, dy):
        rows = []
        for y in range(y0, height, dy):
            src = pixels[y]
            samples = []
            for x in range(x0, width, dx):
                samples.extend(src[x * channels:(x + 1) * channels])
            rows.append(pack_row(samples, bit_depth))
        return rows

    if interlaced:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            if x0 >= width or y0 >= height:
                continue  # an empty pass has no rows at all, not even filter bytes
            raw += filter_rows(scanlines(x0, y0, dx, dy), bpp, palette_like)
    else:
        raw = filter_rows(scanlines(0, 0, 1, 1), bpp, palette_like)
    data = zlib.compress(raw, 9)

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 1 if interlaced else 0)
    out = [SIGNATURE, chunk(b"IHDR", ihdr)]
    out.append(chunk(b"tEXt", b"Software\x00" + SOFTWARE))
    if palette is not None:
        out.append(chunk(b"PLTE", b"".join(bytes(c) for c in palette)))
    if trns is not None:
        out.append(chunk(b"tRNS", bytes(trns)))
    for i in range(0, len(data), IDAT_CHUNK):
        out.append(chunk(b"IDAT", data[i:i + IDAT_CHUNK]))
    out.append(chunk(b"IEND", b""))
    return b"".join(out)


# ------------------------------------------------------------------------------------ drawing

def clamp(v, lo=0.0, hi=1.0):
    return lo if v < lo else hi if v > hi else v


def lerp(a, b, t):
    return a + (b - a) * t


def mix(c0, c1, t):
    return [lerp(a, b, t) for a, b in zip(c0, c1)]


def smoothstep(t):
    return t * t * (3 - 2 * t)


def hash01(ix, iy, seed):
    """A deterministic integer hash of a lattice point, in [0, 1)."""
    h = (ix * 374761393 + iy * 668265263 + seed * 2147483647) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 1274126177) & 0xFFFFFFFF
    h ^= h >> 16
    return h / 4294967296.0


def value_noise(x, y, seed, octaves=4, scale=16.0):
    """Smooth multi-octave value noise in about [0, 1]."""
    total, amp, norm = 0.0, 1.0, 0.0
    for o in range(octaves):
        fx, fy = x / scale, y / scale
        ix, iy = math.floor(fx), math.floor(fy)
        tx, ty = smoothstep(fx - ix), smoothstep(fy - iy)
        v00, v10 = hash01(ix, iy, seed + o), hash01(ix + 1, iy, seed + o)
        v01, v11 = hash01(ix, iy + 1, seed + o), hash01(ix + 1, iy + 1, seed + o)
        total += amp * lerp(lerp(v00, v10, tx), lerp(v01, v11, tx), ty)
        norm += amp
        amp *= 0.5
        scale /= 2.0
    return total / norm


def circle_cover(x, y, cx, cy, r):
    """Anti-aliased coverage of pixel centre (x, y) by a disc (one pixel of soft edge)."""
    return clamp(r - math.hypot(x - cx, y - cy) + 0.5)


def ellipse_cover(x, y, cx, cy, rx, ry, angle):
    c, s = math.cos(angle), math.sin(angle)
    u, v = (x - cx) * c + (y - cy) * s, -(x - cx) * s + (y - cy) * c
    k = math.hypot(u / rx, v / ry)
    # distance to the edge, approximately, in pixels
    return clamp((1.0 - k) * min(rx, ry) + 0.5)


def box_cover(x, y, cx, cy, hw, hh, angle, radius=0.0):
    c, s = math.cos(angle), math.sin(angle)
    u, v = abs((x - cx) * c + (y - cy) * s), abs(-(x - cx) * s + (y - cy) * c)
    qx, qy = u - hw + radius, v - hh + radius
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    inside = min(max(qx, qy), 0.0)
    return clamp(0.5 - (outside + inside - radius))


def polygon_cover(x, y, points):
    """Coverage by a convex polygon given counter-clockwise or clockwise."""
    n = len(points)
    area = sum(points[i][0] * points[(i + 1) % n][1] - points[(i + 1) % n][0] * points[i][1] for i in range(n))
    sign = 1.0 if area > 0 else -1.0
    d = -1e9
    for i in range(n):
        (x0, y0), (x1, y1) = points[i], points[(i + 1) % n]
        ex, ey = x1 - x0, y1 - y0
        length = math.hypot(ex, ey)
        # signed distance outside this edge
        d = max(d, sign * ((x - x0) * ey - (y - y0) * ex) / length)
    return clamp(0.5 - d)


def inside_polygon(x, y, points):
    """Even-odd rule: works for any simple polygon, convex or not."""
    inside = False
    n = len(points)
    for i in range(n):
        (x0, y0), (x1, y1) = points[i], points[(i + 1) % n]
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def supersampled(inside, x, y, n=4):
    """Coverage of the pixel centred on (x, y) from an n x n grid of point tests."""
    hits = 0
    for j in range(n):
        for i in range(n):
            hits += inside(x + (i + 0.5) / n - 0.5, y + (j + 0.5) / n - 0.5)
    return hits / (n * n)


def regular_polygon(cx, cy, r, n, phase):
    return [(cx + r * math.cos(phase + 2 * math.pi * k / n), cy + r * math.sin(phase + 2 * math.pi * k / n))
            for k in range(n)]


def to8(v):
    return int(clamp(v, 0.0, 255.0) + 0.5)


BAYER4 = ((0, 8, 2, 10), (12, 4, 14, 6), (3, 11, 1, 9), (15, 7, 13, 5))


def dither(v, levels, x, y):
    """Ordered-dithers v in [0, 1] to an integer 0..levels-1."""
    t = (BAYER4[y & 3][x & 3] + 0.5) / 16.0
    q = v * (levels - 1)
    base = math.floor(q)
    return int(clamp(base + (1 if q - base > t else 0), 0, levels - 1))


# ------------------------------------------------------------------------------------ the images

def img_gradient_rgb(w=128, h=96):
    """RGB: diagonal colour gradient, a rotated box, discs, a triangle, noise texture."""
    tri = regular_polygon(92, 30, 22, 3, -math.pi / 2)
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            t = (x / (w - 1)) * 0.6 + (y / (h - 1)) * 0.4
            col = mix([30, 60, 140], [240, 170, 60], t)
            n = value_noise(x, y, 11, 4, 24.0) - 0.5
            col = [c + 40 * n for c in col]
            col = mix(col, [200 - y, 40, 60 + x], box_cover(x, y, 40, 62, 24, 14, 0.5, 4))
            col = mix(col, [250, 240, 220], circle_cover(x, y, 34, 28, 14))
            col = mix(col, [20, 140, 90 + 60 * n], circle_cover(x, y, 104, 74, 16))
            col = mix(col, [90, 30, 160], polygon_cover(x, y, tri))
            row.extend(to8(c) for c in col)
        rows.append(row)
    return rows


def img_ramp_grey(w=96, h=64):
    """Grey 8-bit: radial gradient, vertical stripes in one band, an ellipse, fine grain."""
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            r = math.hypot(x - w * 0.3, y - h * 0.4) / w
            v = 220 - 200 * r
            if 40 <= y < 52:
                v = 60 + 150 * (0.5 + 0.5 * math.sin(x * 0.6))
            v = lerp(v, 30 + x, ellipse_cover(x, y, 70, 22, 16, 9, -0.4))
            v += 18 * (hash01(x, y, 5) - 0.5)
            row.append(to8(v))
        rows.append(row)
    return rows


def img_sprite_rgba(w=96, h=96):
    """RGBA: shapes on a transparent background, soft edges, a half-transparent overlap."""
    star = [(48 + (30 if k % 2 == 0 else 13) * math.cos(-math.pi / 2 + k * math.pi / 5),
             48 + (30 if k % 2 == 0 else 13) * math.sin(-math.pi / 2 + k * math.pi / 5)) for k in range(10)]
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            cover = supersampled(lambda px, py: inside_polygon(px, py, star), x, y)  # not convex
            rgb, a = [0.0, 0.0, 0.0], 0.0
            glow = clamp(1.0 - math.hypot(x - 48, y - 48) / 46.0)
            if glow > 0:  # a faint radial glow behind everything
                rgb, a = [255.0, 200.0, 80.0], 0.35 * glow * glow
            for colour, alpha, cov in (([250, 210, 40], 1.0, cover),
                                       ([40, 120, 250], 0.55, circle_cover(x, y, 70, 70, 18)),
                                       ([230, 40, 70], 0.8, box_cover(x, y, 22, 74, 14, 10, 0.3, 3))):
                k = alpha * cov
                if k <= 0:
                    continue
                out_a = k + a * (1 - k)
                rgb = [(c * k + d * a * (1 - k)) / out_a for c, d in zip(colour, rgb)]
                a = out_a
            if a <= 0:
                rgb = [0, 0, 0]
            row.extend([to8(c) for c in rgb] + [to8(255 * a)])
        rows.append(row)
    return rows


def img_deep_rgb16(w=80, h=60):
    """RGB 16-bit: smooth gradients that need more than 8 bits, a disc, gentle noise."""
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            u, v = x / (w - 1), y / (h - 1)
            col = [65535 * u, 65535 * (0.5 + 0.5 * math.sin(3.1 * v + 1.2 * u)), 65535 * (1 - u) * v]
            n = value_noise(x, y, 23, 3, 20.0) - 0.5
            col = [c + 3000 * n for c in col]
            col = mix(col, [60000, 52000, 8000], circle_cover(x, y, 52, 24, 13))
            col = mix(col, [4000, 9000, 30000], box_cover(x, y, 20, 42, 12, 8, -0.6, 2))
            row.extend(int(clamp(c, 0, 65535) + 0.5) for c in col)
        rows.append(row)
    return rows


def img_interlaced_rgb(w=160, h=120):
    """RGB, Adam7: a small landscape (sky, sun, two ranges of hills, a lake) with texture."""
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            col = mix([70, 120, 210], [235, 200, 170], y / (h * 0.6))
            col = mix(col, [255, 240, 170], circle_cover(x, y, 118, 34, 15))
            far = 68 + 10 * math.sin(x * 0.05) + 6 * math.sin(x * 0.13 + 1.0)
            near = 84 + 12 * math.sin(x * 0.035 + 2.0) + 4 * math.sin(x * 0.21)
            n = value_noise(x, y, 31, 4, 16.0) - 0.5
            col = mix(col, [90 + 30 * n, 110 + 30 * n, 150], clamp(y - far + 0.5))
            col = mix(col, [50 + 60 * n, 110 + 70 * n, 40 + 30 * n], clamp(y - near + 0.5))
            lake = ellipse_cover(x, y, 50, 104, 34, 8, 0.0)
            ripple = 12 * math.sin(y * 1.7 + x * 0.15)
            col = mix(col, [40 + ripple, 90 + ripple, 160 + ripple], lake)
            row.extend(to8(c) for c in col)
        rows.append(row)
    return rows


def img_bilevel_grey1(w=64, h=48):
    """Grey 1-bit: an ordered-dithered radial gradient with a solid ring."""
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            d = math.hypot(x - 32, y - 24)
            v = clamp(1.0 - d / 34.0)
            if 14 <= d <= 17:
                v = 0.0
            row.append(dither(v, 2, x, y))
        rows.append(row)
    return rows


def palette_ramp(c0, c1, n):
    return [[to8(c) for c in mix(c0, c1, i / (n - 1))] for i in range(n)]


def img_circles_palette(w=120, h=90):
    """Palette 8-bit, no tRNS: a dithered 32-step sky ramp and flat-coloured discs and boxes."""
    palette = palette_ramp([20, 30, 90], [150, 200, 250], 32)
    shapes = [[230, 60, 50], [250, 200, 40], [60, 180, 90], [240, 240, 240], [120, 60, 160], [30, 30, 30]]
    palette += shapes
    discs = [(30, 30, 18, 32), (84, 40, 24, 33), (60, 70, 14, 34), (104, 76, 10, 35)]
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            index = dither(y / (h - 1) * 0.8 + x / (w - 1) * 0.2, 32, x, y)
            for cx, cy, r, colour in discs:
                if math.hypot(x - cx, y - cy) <= r:
                    index = colour
            if 8 <= x < 40 and 62 <= y < 82 and (x + y) % 6 < 3:
                index = 36
            if abs(x - y - 30) < 2:
                index = 37
            row.append(index)
        rows.append(row)
    return rows, palette


def img_stickers_palette_trns(w=96, h=72):
    """Palette 4-bit with tRNS: transparent background, opaque and half-transparent shapes."""
    palette = [[0, 0, 0], [255, 255, 255], [230, 50, 50], [250, 160, 30], [250, 230, 60], [70, 190, 80],
               [40, 140, 230], [120, 70, 200], [240, 120, 180], [90, 60, 30], [30, 30, 30],
               [40, 140, 230], [230, 50, 50], [250, 230, 60], [150, 150, 150], [200, 200, 200]]
    # entries 0 (background) and 11-13 (see-through versions) are transparent; the rest opaque
    trns = [0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 96, 128, 160]
    hexagon = regular_polygon(70, 24, 16, 6, 0.3)
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            index = 0
            if math.hypot(x - 24, y - 24) <= 17:
                index = 2 if math.hypot(x - 24, y - 24) > 12 else 4
            if polygon_cover(x, y, hexagon) >= 0.5:
                index = 5 + ((x // 4 + y // 4) % 2)
            if box_cover(x, y, 36, 52, 26, 10, 0.15) >= 0.5:
                index = 11 if index == 0 else 12
            if math.hypot(x - 76, y - 56) <= 11:
                index = 13 if index == 0 else 8
            if index in (2, 4) and (x + y) % 9 == 0:
                index = 10
            row.append(index)
        rows.append(row)
    return rows, palette, trns


def img_weave_grey_alpha(w=80, h=80):
    """Grey+alpha 8-bit: a basket-weave texture fading to transparent towards the corners."""
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            over = ((x // 10) + (y // 10)) % 2 == 0
            along = (y % 10) if over else (x % 10)
            v = 90 + 110 * math.sin(math.pi * (along + 0.5) / 10)
            v += 40 * (value_noise(x, y, 41, 3, 8.0) - 0.5)
            if (x % 10 in (0, 9)) and (y % 10 in (0, 9)):
                v *= 0.4
            a = clamp(1.25 - math.hypot(x - 40, y - 40) / 48.0)
            row.extend([to8(v), to8(255 * smoothstep(a))])
        rows.append(row)
    return rows


def img_noise_grey2(w=128, h=96):
    """Grey 2-bit: four-level dithered value noise (clouds) with a darker diagonal band."""
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            v = value_noise(x, y, 53, 5, 32.0)
            v = clamp((v - 0.25) * 2.0)
            if abs((x - y) - 16) < 10:
                v *= 0.45
            row.append(dither(v, 4, x, y))
        rows.append(row)
    return rows


def build():
    """Returns [(relative path, png bytes, description dict)] for every sample image."""
    images = []

    def add(path, w, h, colour_type, bit_depth, pixels, interlaced=False, palette=None, trns=None, what=""):
        data = encode_png(w, h, colour_type, bit_depth, pixels, palette, trns, interlaced)
        images.append((path, data, dict(width=w, height=h, colour=COLOUR_NAMES[colour_type],
                                        bit_depth=bit_depth, interlaced=interlaced, trns=trns is not None,
                                        what=what)))

    add("gradient_rgb.png", 128, 96, 2, 8, img_gradient_rgb(), what="colour gradient, box, discs, triangle, texture")
    add("ramp_grey.png", 96, 64, 0, 8, img_ramp_grey(), what="radial ramp, stripes, ellipse, grain")
    add("sprite_rgba.png", 96, 96, 6, 8, img_sprite_rgba(), what="star, disc, box on transparent, soft alpha")
    add("deep_rgb16.png", 80, 60, 2, 16, img_deep_rgb16(), what="16-bit gradients, disc, box")
    add("interlaced_rgb.png", 160, 120, 2, 8, img_interlaced_rgb(), interlaced=True,
        what="landscape: sky, sun, hills, lake")
    add("bilevel_grey1.png", 64, 48, 0, 1, img_bilevel_grey1(), what="dithered radial gradient, ring")
    pixels, palette = img_circles_palette()
    add("shapes/circles_palette.png", 120, 90, 3, 8, pixels, palette=palette,
        what="dithered ramp, flat discs, hatching, line")
    pixels, palette, trns = img_stickers_palette_trns()
    add("shapes/stickers_palette_trns.png", 96, 72, 3, 4, pixels, palette=palette, trns=trns,
        what="stickers on transparent, half-transparent box and disc")
    add("textures/weave_grey_alpha.png", 80, 80, 4, 8, img_weave_grey_alpha(),
        what="basket weave fading to transparent")
    add("textures/clouds_grey2.png", 128, 96, 0, 2, img_noise_grey2(), what="dithered clouds, diagonal band")
    return images


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    out_dir = args[0] if args else os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                "images")
    failures = 0
    for rel, data, info in build():
        path = os.path.join(out_dir, rel)
        desc = "%-34s %3dx%-3d %-10s %2d-bit%s%s %6d bytes" % (
            rel, info["width"], info["height"], info["colour"], info["bit_depth"],
            " +tRNS" if info["trns"] else "", " Adam7" if info["interlaced"] else "", len(data))
        if check:
            try:
                with open(path, "rb") as f:
                    same = f.read() == data
            except OSError:
                same = False
            failures += not same
            print(("same     " if same else "DIFFERENT ") + desc)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
            print("wrote " + desc)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
