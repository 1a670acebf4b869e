// Registration functions of the built-in commands, one per file in this folder.
#pragma once

namespace dust::shell {

class CommandTable;

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
void register_exit(CommandTable& t);
void register_put(CommandTable& t);
void register_get(CommandTable& t);
void register_at(CommandTable& t);
void register_intr(CommandTable& t);
void register_secgroup(CommandTable& t);

}  // namespace dust::shell
