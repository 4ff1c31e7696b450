#!/usr/bin/env python3
"""Test-only: turn a version-1 .bnn network into a version-2 network with supports.

NOT trained supports (the shipped supported weights come from cimvp-train).  Every layer gets
p×1 blocks of b_s-bit codes: default c0 = 2^(b_s-1), code(j, b) = c0 + d with d in {-1, 0, +1}
from crc32 of (layer, j, b); thresholds are multiplied by c0 and the last layer's
scale divided by c0, so the network stays close to the binary one (deterministic, no seed).

usage: make_supported_net.py IN.bnn OUT.bnn [p] [b_s]
"""
import struct
import sys
import zlib


def main():
    src, dst = sys.argv[1], sys.argv[2]
    p = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    bs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    b = open(src, "rb").read()
    assert b[:8] == b"CIMVPBNN" and struct.unpack_from("<I", b, 8)[0] == 1, "expected a version-1 .bnn"
    mode, enc, ibits, ithr = b[12], b[13], b[14], b[15]
    L, D = struct.unpack_from("<II", b, 16)
    shapes = [struct.unpack_from("<II", b, 24 + 8 * l) for l in range(L)]
    desc = b[24 + 8 * L:24 + 8 * L + D]
    at = 24 + 8 * L + D
    c0 = 1 << (bs - 1)
    out = bytearray(b"CIMVPBNN" + struct.pack("<I", 2) + bytes([mode, enc, ibits, ithr]) + struct.pack("<II", L, 0))
    bodies = []
    for l, (K, M) in enumerate(shapes):
        W = (K + 63) // 64
        w = b[at:at + 8 * M * W]
        at += 8 * M * W
        last = l + 1 == L
        if not last:
            thr = struct.unpack_from("<%di" % M, b, at)
            flips = b[at + 4 * M:at + 5 * M]
            at += 5 * M
            extra = struct.pack("<%di" % M, *[t * c0 for t in thr]) + flips
        else:
            scale = struct.unpack_from("<%df" % M, b, at)
            bias = struct.unpack_from("<%df" % M, b, at + 4 * M)
            at += 8 * M
            extra = struct.pack("<%df" % M, *[s / c0 for s in scale]) + struct.pack("<%df" % M, *bias)
        B = (K + p - 1) // p
        codes = bytes(c0 + zlib.crc32(struct.pack("<III", l, j, k)) % 3 - 1 for j in range(M) for k in range(B))
        bodies.append(w + extra + codes)
        out += struct.pack("<IIIBBHf", K, M, p, bs, c0, 0, 1.0 / c0)
    text = b"test-only supported network (make_supported_net.py, p=%d, b_s=%d) from " % (p, bs) + desc
    struct.pack_into("<I", out, 20, len(text))
    out += text
    for body in bodies:
        out += body
    out += struct.pack("<I", zlib.crc32(bytes(out)) & 0xFFFFFFFF)
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main()
