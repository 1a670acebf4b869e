# Runs `DUST --man` or `DUST --bash-completion` (FLAG) into OUT, hermetically: an empty DUST_HOME and
# only the checkout's Lua commands, so a builder's own drop-in commands never reach the package.
file(MAKE_DIRECTORY ${HOME_DIR})
set(ENV{DUST_HOME} ${HOME_DIR})
set(ENV{DUST_COMMANDS_PATH} ${COMMANDS_DIR})
# A sanitized build (make asan) runs this too: what the generator keeps until exit is no finding.
set(ENV{ASAN_OPTIONS} "detect_leaks=0")
execute_process(COMMAND ${DUST} ${FLAG} OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "${DUST} ${FLAG} failed: ${rc}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
