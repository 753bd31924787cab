# Sourced by packaging/build-deb and the scripts that measure what it ships: the flags of the
# static release build. Every Swift function gets its own section, so packaging/hot-text.ld can
# gather the code inferd runs at start and while serving (idle RSS 19.5 -> ~15 MB; see README).
# A scratch path of its own, and only ever built with these flags: they would otherwise make
# SwiftPM rebuild the dynamic release build in .build that the tests use, and swift-frontend
# keeps an object whose LLVM module hash is unchanged, so objects built without
# -function-sections would silently stay without it.
static_build_flags=(-c release --static-swift-stdlib --scratch-path "${INFERD_SCRATCH:-.build-package}"
                    -Xswiftc -Xfrontend -Xswiftc -function-sections)
