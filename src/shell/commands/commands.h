// Registration functions of the built-in commands, one per file in this folder.
#pragma once

namespace dust::shell {

class CommandTable;
class Context;
struct Args;

void register_help(CommandTable& t);
void register_show(CommandTable& t);
void register_showex(CommandTable& t);
void register_refresh(CommandTable& t);
void register_start(CommandTable& t);
void register_stop(CommandTable& t);
void register_terminate(CommandTable& t);
void register_tag(CommandTable& t);
void register_untag(CommandTable& t);
void register_use(CommandTable& t);
void register_assign(CommandTable& t);
void register_cluster(CommandTable& t);
void register_load(CommandTable& t);
void register_status(CommandTable& t);
void register_loglevel(CommandTable& t);
void register_logdir(CommandTable& t);
void register_cd(CommandTable& t);
void register_exit(CommandTable& t);
void register_put(CommandTable& t);
void register_get(CommandTable& t);
void register_at(CommandTable& t);
void register_atat(CommandTable& t);
void register_output(CommandTable& t);
// `@` with its output mode given (gathered or live): `@@` runs it with the default flipped.
int run_at(Context& ctx, Args& a, bool gather);
void register_intr(CommandTable& t);
void register_secgroup(CommandTable& t);
void register_hostkeys(CommandTable& t);
void register_ssh_config(CommandTable& t);
void register_detach(CommandTable& t);
void register_replay(CommandTable& t);

}  // namespace dust::shell
