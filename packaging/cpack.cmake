# CPack settings, included by packaging/CMakeLists.txt. Build the packages from a build tree with
#   cpack --config build/CPackConfig.cmake -B build/packages            (every generator below)
#   cpack --config build/CPackConfig.cmake -B build/packages -G DEB     (one)
# cpack first builds the "preinstall" target, which means the whole project unless the build was
# configured with -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON.

set(CPACK_PACKAGE_NAME cosmoclip)
set(CPACK_PACKAGE_VENDOR "The CosmoCLIP developers")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# Lines under 80 columns, as Debian's control files want them.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "CosmoCLIP opens FITS and PNG sky images, labels them with free text and"
  "searches an archive of them with words, using a CLIP vision-language model"
  "that runs on your own computer. It has a desktop application (cosmoclip-gui:"
  "viewer, catalog browser, zero-shot labels, search, fine-tuning) and a"
  "command line (cosmoclip). A small built-in model is included.")
set(CPACK_PACKAGE_HOMEPAGE_URL "${COSMOCLIP_HOMEPAGE}")
set(CPACK_PACKAGE_CONTACT "${COSMOCLIP_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "CosmoCLIP")
set(CPACK_PACKAGE_EXECUTABLES cosmoclip-gui CosmoCLIP)  # Start menu entry (NSIS)
set(CPACK_RESOURCE_FILE_README "${CMAKE_SOURCE_DIR}/README.md")
set(CPACK_STRIP_FILES ON)
# Values reach the generators as written here (no double escaping of quotes and backslashes).
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\.git/" "/build[^/]*/")

if(APPLE)
  set(CPACK_GENERATOR DragNDrop)
elseif(WIN32)
  set(CPACK_GENERATOR NSIS ZIP)
  set(CPACK_NSIS_DISPLAY_NAME "CosmoCLIP")
  set(CPACK_NSIS_PACKAGE_NAME "CosmoCLIP ${PROJECT_VERSION}")
  set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
  set(CPACK_NSIS_MUI_ICON "${_icons}/${_id}.ico")
  set(CPACK_NSIS_MUI_UNIICON "${_icons}/${_id}.ico")
  set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\cosmoclip-gui.exe")
  set(CPACK_NSIS_URL_INFO_ABOUT "${COSMOCLIP_HOMEPAGE}")
  set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
  set(CPACK_NSIS_MODIFY_PATH ON)  # offers to put bin\ (cosmoclip.exe) on PATH
  set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS "!include \"${CMAKE_CURRENT_SOURCE_DIR}/windows/file-associations.nsh\"")
  set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS
      "!include \"${CMAKE_CURRENT_SOURCE_DIR}/windows/file-associations-uninstall.nsh\"")
else()
  set(CPACK_GENERATOR DEB TGZ)
endif()

# .deb: dpkg-shlibdeps finds the libraries the binaries link (LibTorch, Qt, OpenCV, CFITSIO,
# SQLite, ...); Depends adds what it cannot see:
# - OpenBLAS: Debian's LibTorch calls libblas.so.3, which the alternatives system resolves at run
#   time; with only the reference BLAS installed every model call is about 50x slower.
# - qt6-qpa-plugins: the platform plugins (xcb, wayland) Qt loads at run time; without them the
#   window cannot open.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread | libopenblas0-openmp")
if(COSMOCLIP_BUILD_GUI)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", qt6-qpa-plugins")
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
