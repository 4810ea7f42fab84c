#!/bin/sh
# Add flowsim to the desktop's application menu for this user: the .desktop entry (pointing
# at this bundle's executable, wherever it was unpacked) and the icon set.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$data/applications" "$data/icons"
cp -R "$here/share/icons/hicolor" "$data/icons/"
sed "s|^Exec=flowsim |Exec=\"$here/flowsim\" |" "$here/share/applications/flowsim.desktop" \
    > "$data/applications/flowsim.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "flowsim is in the application menu ($data/applications/flowsim.desktop)"
