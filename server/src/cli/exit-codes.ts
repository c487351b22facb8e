/**
 * The exit codes every `clearance` command shares. A command's own results keep the codes `opa` and
 * Regal give them (0 to 3: `policy test` 2 on a failing test, `policy lint` 2 and 3 on warnings and
 * errors, `scan` 1 on a denied call); a wrong command line and a failure of Clearance itself use the
 * BSD `sysexits.h` codes, which no command's results use, so CI can tell "the check found something"
 * from "the check was never run".
 */

/** The command line is wrong: an unknown command or flag, a value outside a flag's choices, a missing argument (`EX_USAGE`). */
export const EXIT_USAGE = 64;

/** Clearance itself failed (an exception no command handled): a bug to report, not a finding (`EX_SOFTWARE`). */
export const EXIT_INTERNAL = 70;

/** The lines every command's `--help` ends its exit codes with. */
export const SHARED_EXIT_CODES = `${EXIT_USAGE} the command line is wrong (an unknown flag or command, a value outside a flag's\nchoices, a missing argument); ${EXIT_INTERNAL} an internal error of Clearance.`;
