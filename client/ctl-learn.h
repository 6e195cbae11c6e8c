/* hotlinectl's commands of the learned routing model (学习), and the agent's view of emergencies and repeats. */
#ifndef HOTLINE_CTL_LEARN_H
#define HOTLINE_CTL_LEARN_H

#include "ctl.h"

/* The usage heading of the learning commands in hotlinectl.c's table. */
#define CTL_LEARNING "learning: dispatcher, admin (学习)"

/* ctl-learn.c */
int ctl_export_examples(struct ctl *, int, char **);
int ctl_import_examples(struct ctl *, int, char **);
int ctl_retrain(struct ctl *, int, char **);
int ctl_evaluate(struct ctl *, int, char **);
/* Prints a Routing's emergency (转警: call transfer_to now), if it has one. */
void ctl_print_emergency(const Hotline__Routing *);
/* Prints the earlier ticket a created one likely repeats (重复件), if any. */
void ctl_print_repeat(const Hotline__CreateReply *);

#endif
