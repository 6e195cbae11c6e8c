/* The Lua scripts embedded at build time from daemon/scripts/ (see scripts/embed-lua.sh). */
#ifndef STORE_SCRIPTS_H
#define STORE_SCRIPTS_H

struct embedded_script {
	const char *name;	/* file name without ".lua" */
	const char *source;
};

/* Terminated by an entry whose name is NULL. */
extern const struct embedded_script embedded_scripts[];

#endif
