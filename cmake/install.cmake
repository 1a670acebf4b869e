# Installing dust like a tool (`cmake --install build --prefix P`, `make install PREFIX=P`, `make deb`):
# P/bin/dust and P/libexec/dust/dust-core, the man page P/share/man/man1/dust.1 and bash completion, both generated from the
# command table by the built binary, and the shipped Lua commands in P/share/dust/commands (where
# the installed binary looks, relative to its own bin/). cpack -G DEB packages the same tree.
include(GNUInstallDirs)
# Installing (and cpack, which installs first) never builds: `make install`/`make deb` build before,
# and a cpack inside the test suite must not relink binaries that other tests are running.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(DUST_DOC_DIR ${CMAKE_BINARY_DIR}/doc)
file(GLOB DUST_LUA_COMMANDS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/commands/*.lua)
foreach(kind man bash-completion)
  set(out ${DUST_DOC_DIR}/dust.${kind})
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DDUST=$<TARGET_FILE:dust> -DFLAG=--${kind} -DOUT=${out}
            -DHOME_DIR=${DUST_DOC_DIR}/empty-home -DCOMMANDS_DIR=${CMAKE_SOURCE_DIR}/commands
            -P ${CMAKE_SOURCE_DIR}/cmake/generate_doc.cmake
    DEPENDS dust dust-core ${DUST_LUA_COMMANDS} ${CMAKE_SOURCE_DIR}/cmake/generate_doc.cmake
    COMMENT "Generating dust.${kind} from the command table" VERBATIM)
  list(APPEND DUST_DOCS ${out})
endforeach()
add_custom_target(dust_docs ALL DEPENDS ${DUST_DOCS})

# P/bin/dust (the front) runs P/libexec/dust/dust-core, which reads P/share/dust/commands: these
# paths stay fixed relative to each other (front_main.cpp, lua_loader.cpp).
install(TARGETS dust RUNTIME DESTINATION bin)
install(TARGETS dust-core RUNTIME DESTINATION libexec/dust)
install(FILES ${DUST_LUA_COMMANDS} DESTINATION share/dust/commands)
install(FILES ${DUST_DOC_DIR}/dust.man DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 RENAME dust.1)
install(FILES ${DUST_DOC_DIR}/dust.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME dust)

# Debian package: dependencies from the libraries the binary links (dpkg-shlibdeps), not a list
# that can go stale.
set(CPACK_PACKAGE_NAME dust)
set(CPACK_PACKAGE_VENDOR "dust")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "ssh cluster shell for EC2")
set(CPACK_PACKAGE_DESCRIPTION
    "From one prompt, see and select EC2 nodes by name, range, property or tag; start, stop,\n terminate and tag them; and drive them over persistent parallel ssh shells.")
set(CPACK_PACKAGE_CONTACT "dust maintainers <dust@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_GENERATOR DEB)
include(CPack)
