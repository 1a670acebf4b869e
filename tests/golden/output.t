$ output
output live (@ streams, @@ gathers), diff on
$ output gather
output gather (@ gathers, @@ streams), diff on
$ output diff off
output gather (@ gathers, @@ streams), diff off
$ output live
output live (@ streams, @@ gathers), diff off
$ output sideways
output: unknown setting 'sideways' (gather, live, diff on, diff off)
usage: output [gather|live|diff on|diff off]
[exit 2]
$ output diff maybe
output: unknown setting 'diff maybe' (gather, live, diff on, diff off)
usage: output [gather|live|diff on|diff off]
[exit 2]
$ help output
usage: output [gather|live|diff on|diff off]
  show or set how @ prints node output: live lines or gathered groups

gather: @ waits and prints identical nodes once (as @@ does), and @@ streams live lines; live (the default): the other way round. diff off: @@ prints every group in full instead of a diff against the largest. config.yaml sets the default: output: gather, or output: {mode: gather, diff: false}.
$ help @@
usage: @@[target] command
  run a command like @, output gathered: identical nodes print once

Waits until the command ended on every node, then prints each group of nodes with the same output and exit status once under a header (---- worker[0-2] (3) exit 0 ----), largest group first. The largest group prints in full, the others as a diff against it where that is shorter (`output diff off` or output.diff: false in config.yaml prints them in full). Ctrl-C prints what was gathered and leaves the commands running. Under `output gather` (@ gathers), @@ streams live instead.
$ help @@worker*
usage: @@[target] command
  run a command like @, output gathered: identical nodes print once

Waits until the command ended on every node, then prints each group of nodes with the same output and exit status once under a header (---- worker[0-2] (3) exit 0 ----), largest group first. The largest group prints in full, the others as a diff against it where that is shorter (`output diff off` or output.diff: false in config.yaml prints them in full). Ctrl-C prints what was gathered and leaves the commands running. Under `output gather` (@ gathers), @@ streams live instead.
