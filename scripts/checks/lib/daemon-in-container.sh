# The daemon's part of scripts/checks/systemd-nspawn.sh (sourced after the package is installed).
echo "(daemon checks pending: inferd is not on main yet)"
