#!/usr/bin/env bash
# Turn the PyInstaller folder into a Debian package (installer/README.md, "The .deb"):
#   bash installer/build-deb.sh [dist/posko-desk] [OUT_DIR]   → OUT_DIR/posko-desk_VERSION_ARCH.deb
# Files: the folder under /opt/posko-desk, /usr/bin/posko and /usr/bin/posko-desktop
# (symlinks), a desktop entry with the icon, the MIME type of .posko packages, the copyright
# file made from resources/third-party.json. Version, publisher and description come from
# pyproject.toml. No maintainer scripts: dpkg's file triggers (desktop-file-utils,
# shared-mime-info, hicolor-icon-theme) refresh the menus, MIME and icon caches, and the
# users' data folders (~/.local/share/PoskoDesk) are never touched by install or removal.
# DEB_COMPRESS=xz|gzip (default xz) trades size for build time (none: local trials only, lintian
# rejects an uncompressed package).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIST=$(cd "${1:-$ROOT/dist/posko-desk}" && pwd)
OUT=$(mkdir -p "${2:-$ROOT/dist}" && cd "${2:-$ROOT/dist}" && pwd)
PYTHON=${PYTHON:-python3}
PKG=posko-desk
command -v patchelf >/dev/null || { echo "build-deb: install patchelf first" >&2; exit 1; }
[ -x "$DIST/posko" ] && [ -x "$DIST/posko-desktop" ] || {
  echo "build-deb: $DIST has no posko and posko-desktop (build the bundle first)" >&2; exit 1; }

# identity from pyproject.toml (one place), Debian fields from the machine
eval "$("$PYTHON" - "$ROOT/pyproject.toml" <<'EOF'
import shlex, sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
for key, value in (("VERSION", project["version"]), ("PUBLISHER", project["authors"][0]["name"]),
                   ("DESCRIPTION", project["description"])):
    print(f"{key}={shlex.quote(value)}")
EOF
)"
ARCH=$(dpkg --print-architecture)
# Set DEB_MAINTAINER to the office that distributes the package (name <address>).
MAINTAINER=${DEB_MAINTAINER:-"$PUBLISHER <posko-desk@example.invalid>"}
# reproducible: every date and mtime from the commit (or SOURCE_DATE_EPOCH)
EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 1732665600)}

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
P="$STAGE/$PKG"
mkdir -p "$P/DEBIAN" "$P/opt" "$P/usr/bin" "$P/usr/share/applications" \
         "$P/usr/share/mime/packages" "$P/usr/share/doc/$PKG" "$P/usr/share/lintian/overrides" \
         "$P/usr/share/icons/hicolor/scalable/apps"
cp -a "$DIST" "$P/opt/$PKG"
# Shared libraries need no execute bit; and those of a Python built with pyenv keep its
# lib folder as RUNPATH: removed, so an office machine never loads a library from a path
# of the build machine (everything resolves inside _internal).
find "$P/opt/$PKG" -type f \( -name '*.so' -o -name '*.so.*' \) -exec chmod 0644 {} +
find "$P/opt/$PKG" -type f \( -name '*.so' -o -name '*.so.*' \) -print0 |
  while IFS= read -r -d '' lib; do
    runpath=$(patchelf --print-rpath "$lib" 2>/dev/null) || continue
    case "$runpath" in ""|'$ORIGIN'*) ;; *) patchelf --remove-rpath "$lib" ;; esac
  done
ln -s "/opt/$PKG/posko" "$P/usr/bin/posko"
ln -s "/opt/$PKG/posko-desktop" "$P/usr/bin/posko-desktop"
install -m 0644 "$ROOT/installer/debian/posko-desk.desktop" "$P/usr/share/applications/$PKG.desktop"
install -m 0644 "$ROOT/installer/debian/posko-desk-mime.xml" "$P/usr/share/mime/packages/$PKG.xml"
install -m 0644 "$ROOT/resources/icons/posko-desk.svg" "$P/usr/share/icons/hicolor/scalable/apps/$PKG.svg"
for size in 16 24 32 48 64 128 256 512; do
  mkdir -p "$P/usr/share/icons/hicolor/${size}x${size}/apps"
  install -m 0644 "$ROOT/resources/icons/posko-desk-$size.png" \
    "$P/usr/share/icons/hicolor/${size}x${size}/apps/$PKG.png"
done
install -m 0644 "$ROOT/installer/debian/lintian-overrides" "$P/usr/share/lintian/overrides/$PKG"

# copyright (machine-readable) from resources/third-party.json; changelog of this version
"$PYTHON" - "$ROOT/resources/third-party.json" "$PUBLISHER" > "$P/usr/share/doc/$PKG/copyright" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
print("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/")
print("Upstream-Name: posko-desk\n")
print("Files: *\nCopyright: {0}\nLicense: LicenseRef-Proprietary\n Owned by {0}; "
      "distributed to its offices.\n".format(sys.argv[2]))
for entry in data["data"] + data["libraries"]:
    print("Files: /opt/posko-desk/_internal/* ({0})\nCopyright: the {0} authors\n"
          "License: {1}\n See {2}\n".format(entry["name"], entry["licence"], entry["source"]))
EOF
DATE_RFC=$(date -u -R -d "@$EPOCH")
printf '%s (%s) stable; urgency=medium\n\n  * Posko Desk %s (see the README of this version).\n\n -- %s  %s\n' \
  "$PKG" "$VERSION" "$VERSION" "$MAINTAINER" "$DATE_RFC" | gzip -9n > "$P/usr/share/doc/$PKG/changelog.gz"
chmod 0644 "$P/usr/share/doc/$PKG/copyright" "$P/usr/share/doc/$PKG/changelog.gz"

SIZE_KB=$(du -sk --exclude=DEBIAN "$P" | cut -f1)
# The Qt xcb/EGL/OpenGL libraries, fonts configuration and D-Bus the bundle's Qt loads
# from the system (the same list installer/setup-debian.sh installs).
cat > "$P/DEBIAN/control" <<EOF
Package: $PKG
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $SIZE_KB
Depends: libc6 (>= 2.31), libgl1, libegl1, libxkbcommon0, libxkbcommon-x11-0, libglib2.0-0, libfontconfig1, libfreetype6, libdbus-1-3, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0, libxcb-xinerama0, libxcb-randr0, libxcb-render-util0, libxcb-image0, libx11-xcb1
Section: misc
Priority: optional
Description: Posko Desk Pilkada (election command post desk app)
$(printf '%s\n' "$DESCRIPTION" | fold -s -w 76 | sed 's/^/ /')
 .
 Includes the desktop app (posko-desktop) and the command line (posko).
EOF

find "$P" -exec touch -h -d "@$EPOCH" {} +
find "$P" -type d -exec chmod 0755 {} +
DEB="$OUT/${PKG}_${VERSION}_${ARCH}.deb"
rm -f "$DEB"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-xz}" --build "$P" "$DEB" >/dev/null
echo "$DEB"
