/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-command.h"
#include "tw-connector-private.h"

G_BEGIN_DECLS

/* The steps an operation of a commands connector may take (tw-command-load.c documents
 * their keys). Templates are ${name} texts: the settings, ${dir}, ${timestamp}, the
 * call's variables and what earlier steps put out. */
typedef enum
{
  TW_STEP_RUN,         /* "run": a command */
  TW_STEP_SAVE,        /* "save": a text to a timestamped file of the save folder */
  TW_STEP_LOAD_SAVED,  /* "load_saved": the newest saved file of that name */
  TW_STEP_FILTER,      /* "filter": a text without the lines a pattern finds */
  TW_STEP_EXPECT,      /* "expect": whether a text has a line a pattern finds */
  TW_STEP_FILE,        /* "file": a file (or the files of a glob): age and mode */
  TW_STEP_ANY,         /* "any": whether any of some members is true */
  TW_STEP_MESSAGE,     /* "message": the document's message */
} TwStepKind;

typedef struct
{
  TwStepKind  kind;
  char       *when;        /* nullable: a variable; the step runs when it is set and not
                            * "", "0" or "false" */
  char       *fail;        /* nullable: template of the failure message */
  char       *set;         /* nullable: the document member written */
  char       *out;         /* nullable: the variable written */
  /* run */
  GPtrArray  *argv;        /* templates */
  char       *input;       /* nullable template */
  GArray     *ok;          /* int: exit statuses that are success (default 0) */
  GArray     *yes;         /* int: with "set", exit statuses meaning true */
  GArray     *no;          /* int: with "set", exit statuses meaning false */
  guint       timeout_ms;
  guint       retry_ms;    /* run again until it succeeds, for at most this long */
  char       *empty_when;  /* nullable template of a regex: a failure whose message it
                            * finds is a success with no output ("no crontab for …") */
  /* save, load_saved: the file's name; filter, expect: the text */
  char       *name;
  char       *text;        /* template */
  char       *pattern;     /* template of a regular expression */
  char       *count;       /* filter: the variable and member counting dropped lines */
  gboolean    present;     /* expect: a line must (TRUE) or must not be there */
  /* file */
  char       *path;        /* template; "*" and "?" allowed in the last part */
  char       *component;   /* nullable: a health component named so */
  GPtrArray  *words;       /* expect and run with "set": the component's status when true,
                            * then when false */
  gint64      max_age_s;   /* -1: any age */
  int         mode;        /* -1: any mode; else the widest mode allowed, e.g. 0600 */
  /* any */
  GPtrArray  *members;
} TwCommandStep;

void        _tw_command_step_free   (TwCommandStep *step);

/* One operation's steps on their way (tw-command-steps.c); the file steps are in
 * tw-command-files.c. */
typedef struct
{
  const TwOperation *op;         /* the connector, held by the caller's client, owns it */
  TwService         *service;
  char              *service_name;
  GHashTable        *vars;       /* name → value */
  JsonObject        *doc;
  JsonObject        *components; /* nullable */
  guint              next;
  gboolean           on_host;
  char              *path_prefix;
  char              *save_dir;
  gint64             retry_until;  /* monotonic µs; 0: the step is not being retried */
  gint64             started;      /* monotonic µs: its turn came (the wait is not its time) */
  guint              retry_id;
} TwCommandRun;

char       *_tw_command_expand        (TwCommandRun  *steps,
                                       const char    *template,
                                       GError       **error);
void        _tw_command_set_var       (TwCommandRun  *steps,
                                       const char    *name,
                                       const char    *value);
/* Ends the operation with the step's "fail" words, then @detail. */
void        _tw_command_fail_step     (GTask         *task,
                                       gint           code,
                                       const char    *detail);
void        _tw_command_step_done     (GTask         *task);
void        _tw_command_add_component (TwCommandRun  *steps,
                                       const char    *name,
                                       const char    *status,
                                       const char    *detail,
                                       gboolean       ok);
/* tw-command-files.c: "save", "load_saved", "file". */
void        _tw_command_do_save       (GTask         *task,
                                       TwCommandStep *step);
void        _tw_command_do_load_saved (GTask         *task,
                                       TwCommandStep *step);
void        _tw_command_do_file       (GTask         *task,
                                       TwCommandStep *step);

G_END_DECLS
