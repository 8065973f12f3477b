# The Debian package: `cpack -G DEB` in the build folder (tests/package_test.sh does it)
# makes journalpress_<version>_amd64.deb with the binary, its man page, the systemd units of
# the nightly run, the system user, an example configuration and the nginx configuration.
# Only what is installed below goes in: the tests and the sample data do not.
# cpack packs what the build made: it does not build again (the package test runs beside
# other tests that use the binary).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
find_program(HELP2MAN help2man)
find_program(GZIP gzip REQUIRED)

install(TARGETS journalpress RUNTIME DESTINATION bin)
# Debian 12 keeps units in /lib/systemd/system (lintian: systemd-service-file-outside-lib).
install(FILES deploy/systemd/journalpress-nightly@.service deploy/systemd/journalpress-nightly@.timer
        DESTINATION /lib/systemd/system)
install(FILES deploy/sysusers/journalpress.conf DESTINATION lib/sysusers.d)
install(FILES deploy/nginx/journalpress.conf DESTINATION share/journalpress/nginx)
install(FILES deploy/school.example.toml DESTINATION share/doc/journalpress/examples)
# A region's nightly on Slurm (docs/region.md).
install(PROGRAMS deploy/slurm/journalpress-region.sbatch deploy/slurm/submit-region
        DESTINATION share/journalpress/slurm)
install(FILES deploy/debian/copyright DESTINATION share/doc/journalpress)
# The manual and the documents it links to (`--help` points here): a server has no clone.
file(GLOB jp_docs ${PROJECT_SOURCE_DIR}/docs/*.md)
list(FILTER jp_docs EXCLUDE REGEX "/(architecture|benchmarks)\\.md$")  # for developers
install(FILES ${jp_docs} DESTINATION share/doc/journalpress)
install(DIRECTORY docs/pictures docs/screenshots DESTINATION share/doc/journalpress)

# A native package's changelog, in Debian's format, pointing at CHANGELOG.md.
string(TIMESTAMP jp_changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE ${PROJECT_BINARY_DIR}/debian/changelog
     "journalpress (${PROJECT_VERSION}) unstable; urgency=medium\n\n"
     "  * Built from the journalpress repository; its CHANGELOG.md says what changed.\n\n"
     " -- journalpress maintainers <maintainers@journalpress.example.org>  ${jp_changelog_date}\n")
add_custom_command(
  OUTPUT ${PROJECT_BINARY_DIR}/debian/changelog.gz
  COMMAND ${GZIP} -n -9 -k -f ${PROJECT_BINARY_DIR}/debian/changelog
  DEPENDS ${PROJECT_BINARY_DIR}/debian/changelog
  VERBATIM)
set(jp_package_files ${PROJECT_BINARY_DIR}/debian/changelog.gz)
install(FILES ${PROJECT_BINARY_DIR}/debian/changelog.gz DESTINATION share/doc/journalpress)

# The man page, from `journalpress --help` (help2man, Debian's package of that name).
if(HELP2MAN)
  add_custom_command(
    OUTPUT ${PROJECT_BINARY_DIR}/journalpress.1.gz
    COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section 1 --source "journalpress ${PROJECT_VERSION}"
            --name "publish a school's electronic class journal (diary site, signed archive, extracts)"
            --include ${PROJECT_SOURCE_DIR}/deploy/man-extra.h2m
            --output ${PROJECT_BINARY_DIR}/journalpress.1 $<TARGET_FILE:journalpress>
    COMMAND ${GZIP} -n -9 -f ${PROJECT_BINARY_DIR}/journalpress.1
    DEPENDS journalpress ${PROJECT_SOURCE_DIR}/deploy/man-extra.h2m
    COMMENT "Writing the man page with help2man"
    VERBATIM)
  list(APPEND jp_package_files ${PROJECT_BINARY_DIR}/journalpress.1.gz)
  install(FILES ${PROJECT_BINARY_DIR}/journalpress.1.gz DESTINATION share/man/man1)
else()
  message(STATUS "help2man not found: the package will have no man page (scripts/install-deps --package installs it)")
endif()
add_custom_target(package_files ALL DEPENDS ${jp_package_files})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME journalpress)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "publishes a Russian school's electronic class journal")
set(CPACK_PACKAGE_DESCRIPTION
    "journalpress turns a school's electronic class journal (a journalpress/1\n"
    "export) into what the regulations require it to publish: parents' diaries\n"
    "as a private static web site, signed PDF summary sheets and the year's\n"
    "archive, and printable weekly extracts. The package runs it nightly per\n"
    "school with systemd (journalpress-nightly@.timer).")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # journalpress_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "journalpress maintainers <maintainers@journalpress.example.org>")
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The shared libraries' packages (dpkg-shlibdeps), and what is used without linking: the
# fonts embedded in the PDFs (PT Sans and the fallback chain of print/fonts), rsync for publishing.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The OpenSSL engines are loaded at run time (GOST keys, keys on tokens): shlibdeps cannot
# see them.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "fonts-paratype, fonts-dejavu-core, fonts-noto-core, fonts-droid-fallback, fonts-nanum, fonts-symbola, rsync, adduser, libengine-gost-openssl, libengine-pkcs11-openssl, p11-kit-modules")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nginx, openssh-client")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/deploy/debian/postinst
    ${PROJECT_SOURCE_DIR}/deploy/debian/prerm ${PROJECT_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
include(CPack)
