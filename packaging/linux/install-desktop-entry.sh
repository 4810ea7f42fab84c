#!/bin/sh
# Add flowsim to the desktop's application menu for this user: the .desktop entry (pointing
# at this bundle's executable, wherever it was unpacked), the icon set, and the file type
# of *.flow.yaml, so a double-click on a flow opens it in flowsim.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$data/applications" "$data/icons" "$data/mime/packages"
cp -R "$here/share/icons/hicolor" "$data/icons/"
cp "$here/share/mime/packages/flowsim.xml" "$data/mime/packages/flowsim.xml"
sed "s|^Exec=flowsim |Exec=\"$here/flowsim\" |" "$here/share/applications/flowsim.desktop" \
    > "$data/applications/flowsim.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "flowsim is in the application menu ($data/applications/flowsim.desktop)"
