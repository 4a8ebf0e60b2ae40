#!/bin/sh
# Builds libpng and zlib from Debian bookworm's sources (libpng with Debian's security patches)
# as static libraries instrumented for libFuzzer and AddressSanitizer, so that `fuzz-png` sees
# coverage inside the decoder itself and ASan checks its memory accesses, not only our shim's.
# Debian's shared libraries are not instrumented: fuzzing against them, libFuzzer is blind to
# libpng's branches and a libpng overread goes unseen unless it crashes.
#
#   sh fuzz/instrumented-libs.sh PREFIX
#
# Leaves PREFIX/lib/libpng16.a, PREFIX/lib/libz.a, their headers, and PREFIX/lib/pkgconfig/libpng.pc
# naming both, which the package's `CLibPNG` target finds first when PKG_CONFIG_PATH points there
# (fuzz/run.sh does this). The sources are downloaded once (deb.debian.org) and checked against
# the SHA-256 sums of Debian's .dsc files; a PREFIX that is already built is left as it is.
set -eu
PREFIX=$(mkdir -p "$1" && cd "$1" && pwd)
[ -f "$PREFIX/lib/pkgconfig/libpng.pc" ] && exit 0
SOURCES=$PREFIX/src
mkdir -p "$SOURCES" "$PREFIX/lib/pkgconfig"

fetch() { # URL SHA256
    file=$SOURCES/$(basename "$1")
    [ -f "$file" ] || curl -fsS -o "$file" "$1"
    echo "$2  $file" | sha256sum -c --quiet -
}
fetch http://deb.debian.org/debian/pool/main/z/zlib/zlib_1.2.13.dfsg.orig.tar.bz2 \
    71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1
fetch http://deb.debian.org/debian/pool/main/libp/libpng1.6/libpng1.6_1.6.39.orig.tar.gz \
    a00e9d2f2f664186e4202db9299397f851aea71b36a35e74910b8820e380d441
fetch "http://security.debian.org/debian-security/pool/updates/main/libp/libpng1.6/libpng1.6_1.6.39-2+deb12u3.debian.tar.xz" \
    92e2c156f9be57eab8bc6cbe8c07ad1fc8323e1945bfa284da8592d749faa962

# The same clang as the Swift toolchain's, so that the sanitizer runtimes agree.
CC=$(dirname "$(command -v swift)")/clang
FLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address"

cd "$SOURCES"
rm -rf zlib-1.2.13.dfsg libpng-1.6.39 debian
tar xjf zlib_1.2.13.dfsg.orig.tar.bz2
LOG=$SOURCES/build.log
quietly() { "$@" >>"$LOG" 2>&1 || { tail -20 "$LOG" >&2; echo "failed: $*; see $LOG" >&2; exit 1; }; }
: > "$LOG"
cd zlib-1.2.13.dfsg
CC=$CC CFLAGS=$FLAGS quietly ./configure --static --prefix="$PREFIX"
quietly make -j2 install
cd ..

tar xzf libpng1.6_1.6.39.orig.tar.gz
tar xJf libpng1.6_1.6.39-2+deb12u3.debian.tar.xz
cd libpng-1.6.39
while read -r patch; do
    case $patch in ''|'#'*) continue ;; esac
    patch -s -p1 < "../debian/patches/$patch"
done < ../debian/patches/series
CC=$CC CFLAGS=$FLAGS CPPFLAGS="-I$PREFIX/include" LDFLAGS="-L$PREFIX/lib" \
    quietly ./configure --disable-shared --enable-static --prefix="$PREFIX"
quietly make -j2 install
rm -f "$PREFIX/lib/pkgconfig/libpng.pc" "$PREFIX/lib/pkgconfig/libpng16.pc"

# One pkg-config file for both: libpng16.a needs zlib's symbols, after it on the link line.
cat > "$PREFIX/lib/pkgconfig/libpng.pc" <<EOF
Name: libpng
Description: libpng 1.6.39 (Debian bookworm's patches) and zlib 1.2.13, static, instrumented for libFuzzer and ASan
Version: 1.6.39
Cflags: -I$PREFIX/include/libpng16 -I$PREFIX/include
Libs: -L$PREFIX/lib -lpng16 -lz
EOF
echo "instrumented libpng and zlib in $PREFIX"
