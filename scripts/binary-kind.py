"""Prints what kind of executable a file is, in the words of file(1), for the five release platforms,
without needing file(1): used by scripts/release-check.sh.

  python3 scripts/binary-kind.py PATH   ->   e.g. "linux amd64 static" / "darwin arm64" / "windows amd64"

Linux: an ELF executable is "static" when it has no program interpreter (PT_INTERP) and needs no
shared library (no DT_NEEDED entry): what file(1) calls "statically linked".
"""
import struct
import sys


def elf(data):
    if data[4] != 2 or data[5] != 1:
        return "elf (not 64-bit little-endian)"
    machine = {0x3E: "amd64", 0xB7: "arm64"}.get(struct.unpack_from("<H", data, 18)[0], "other")
    phoff = struct.unpack_from("<Q", data, 32)[0]
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    interp = False
    needed = False
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 3:  # PT_INTERP
            interp = True
        if p_type == 2:  # PT_DYNAMIC: look for DT_NEEDED (1)
            for off in range(p_offset, p_offset + p_filesz, 16):
                tag = struct.unpack_from("<q", data, off)[0]
                if tag == 0:
                    break
                if tag == 1:
                    needed = True
    return f"linux {machine} " + ("dynamic" if interp or needed else "static")


def macho(data):
    cpu = struct.unpack_from("<i", data, 4)[0]
    filetype = struct.unpack_from("<I", data, 12)[0]
    arch = {0x01000007: "amd64", 0x0100000C: "arm64"}.get(cpu, "other")
    return f"darwin {arch}" + ("" if filetype == 2 else " (not an executable)")


def pe(data):
    off = struct.unpack_from("<I", data, 0x3C)[0]
    if data[off:off + 4] != b"PE\0\0":
        return "not PE"
    machine = struct.unpack_from("<H", data, off + 4)[0]
    return "windows " + {0x8664: "amd64", 0xAA64: "arm64"}.get(machine, "other")


def kind(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"\x7fELF":
        return elf(data)
    if data[:4] == b"\xcf\xfa\xed\xfe":
        return macho(data)
    if data[:2] == b"MZ":
        return pe(data)
    return "unknown"


if __name__ == "__main__":
    print(kind(sys.argv[1]))
