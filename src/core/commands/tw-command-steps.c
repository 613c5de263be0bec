/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-command.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tw-command-private.h"
#include "tw-error.h"
#include "tw-sandbox.h"

/* Runs an operation's steps, one after the other, building its JSON document. A step
 * that fails ends the operation with an error naming it (the connector's "fail" words
 * and what was seen: the exit status, the command's own message), so a halt that did
 * not take is a failed halt — never a silent one. */

#define RETRY_INTERVAL_MS 250

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
} Steps;

static void
steps_free (gpointer data)
{
  Steps *steps = data;

  g_clear_handle_id (&steps->retry_id, g_source_remove);
  g_clear_object (&steps->service);
  g_free (steps->service_name);
  g_clear_pointer (&steps->vars, g_hash_table_unref);
  g_clear_pointer (&steps->doc, json_object_unref);
  g_clear_pointer (&steps->components, json_object_unref);
  g_free (steps->path_prefix);
  g_free (steps->save_dir);
  g_free (steps);
}

static void run_next (GTask *task);

/* ${name} of @template from the variables; a variable that is not set is an error. */
static char *
expand (Steps       *steps,
        const char  *template,
        GError     **error)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  parts = _tw_template_parse (template, error);
  if (parts == NULL)
    return NULL;
  for (guint i = 0; i < parts->len; i++)
    {
      TwTemplatePart *part = g_ptr_array_index (parts, i);
      const char *value;

      if (part->name == NULL)
        {
          g_string_append (text, part->text);
          continue;
        }
      value = g_hash_table_lookup (steps->vars, part->name);
      if (value == NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("“${%s}” has no value: set it in the service's group of the profile"),
                       part->name);
          return NULL;
        }
      g_string_append (text, value);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
set_var (Steps      *steps,
         const char *name,
         const char *value)
{
  if (name != NULL)
    g_hash_table_replace (steps->vars, g_strdup (name), g_strdup (value));
}

static void
set_boolean (Steps      *steps,
             const char *name,
             gboolean    value)
{
  json_object_set_boolean_member (steps->doc, name, value);
  set_var (steps, name, value ? "true" : "false");
}

static TwCommandStep *
current (GTask *task)
{
  Steps *steps = g_task_get_task_data (task);

  return g_ptr_array_index (steps->op->steps, steps->next);
}

/* Ends the operation: the step's "fail" words (or what it was doing), then @detail. */
static void
fail_step (GTask      *task,
           gint        code,
           const char *detail)
{
  Steps *steps = g_task_get_task_data (task);
  TwCommandStep *step = current (task);
  g_autofree char *words = NULL;

  if (step->fail != NULL)
    words = expand (steps, step->fail, NULL);
  if (words == NULL)
    /* Translators: %u is the step's number in the connector's operation */
    words = g_strdup_printf (_("Step %u of “%s” failed"), steps->next + 1,
                             tw_operation_get_name (steps->op));

  if (detail != NULL && *detail != '\0')
    /* Translators: the service, what failed, then what was seen */
    g_task_return_new_error (task, TW_ERROR, code, _("%s: %s (%s)."),
                             steps->service_name, words, detail);
  else
    g_task_return_new_error (task, TW_ERROR, code, _("%s: %s."), steps->service_name, words);
}

static void
step_done (GTask *task)
{
  Steps *steps = g_task_get_task_data (task);

  steps->retry_until = 0;
  steps->next++;
  run_next (task);
}

static gboolean
has_status (GArray *statuses,
            int     status)
{
  for (guint i = 0; statuses != NULL && i < statuses->len; i++)
    if (g_array_index (statuses, int, i) == status)
      return TRUE;
  return FALSE;
}

/* A health component: "ok" says whether it passed its check (a component that only
 * tells, the crontab entry being there or not, always does). */
static void
add_component (Steps      *steps,
               const char *name,
               const char *status,
               const char *detail,
               gboolean    ok)
{
  JsonObject *component = json_object_new ();

  if (steps->components == NULL)
    steps->components = json_object_new ();
  json_object_set_string_member (component, "status", status);
  json_object_set_string_member (component, "detail", detail);
  json_object_set_boolean_member (component, "ok", ok);
  json_object_set_object_member (steps->components, name, component);
}

/* "component" of a step that finds a boolean: its "words" for true and false. */
static void
add_told_component (Steps         *steps,
                    TwCommandStep *step,
                    gboolean       value,
                    const char    *detail)
{
  const char *word;
  g_autofree char *text = NULL;

  if (step->component == NULL)
    return;
  /* The word first: a page may show the component's health (it passes) alone. */
  word = g_ptr_array_index (step->words, value ? 0 : 1);
  text = detail != NULL && *detail != '\0' ? g_strdup_printf ("%s — %s", word, detail)
                                           : g_strdup (word);
  add_component (steps, step->component, word, text, TRUE);
}

/* The first line of a command's complaint, for a message. */
static char *
first_line (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  char *end = strchr (copy, '\n');

  if (end != NULL)
    *end = '\0';
  if (g_utf8_strlen (copy, -1) > 200)
    *g_utf8_offset_to_pointer (copy, 200) = '\0';
  return g_steal_pointer (&copy);
}

static void start_run (GTask *task);

static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  Steps *steps = g_task_get_task_data (task);

  steps->retry_id = 0;
  start_run (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
on_run (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Steps *steps = g_task_get_task_data (task);
  TwCommandStep *step = current (task);
  g_autoptr(TwCommandOutput) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;
  g_autofree char *detail = NULL;

  output = tw_command_run_finish (result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (output == NULL)
    {
      fail_step (task, error->code == TW_ERROR_TIMEOUT ? TW_ERROR_TIMEOUT : TW_ERROR_FAILED,
                 error->message);
      return;
    }

  if (step->yes != NULL)
    {
      if (has_status (step->yes, output->exit_status) || has_status (step->no, output->exit_status))
        {
          gboolean value = has_status (step->yes, output->exit_status);
          g_autofree char *told = first_line (output->out);

          set_boolean (steps, step->set, value);
          /* What it printed, e.g. pgrep's process ids */
          add_told_component (steps, step, value, told);
          step_done (task);
          return;
        }
    }
  else if (has_status (step->ok, output->exit_status))
    {
      set_var (steps, step->out, output->out);
      if (step->set != NULL)
        {
          g_autofree char *value = g_strstrip (g_strdup (output->out));

          json_object_set_string_member (steps->doc, step->set, value);
        }
      step_done (task);
      return;
    }

  /* "no crontab for user": nothing there, which is no failure. */
  if (step->empty_when != NULL && step->yes == NULL)
    {
      g_autofree char *pattern = expand (steps, step->empty_when, NULL);
      g_autoptr(GRegex) regex = pattern != NULL ? g_regex_new (pattern, 0, 0, NULL) : NULL;

      if (regex != NULL && g_regex_match (regex, output->err, 0, NULL))
        {
          set_var (steps, step->out, "");
          if (step->set != NULL)
            json_object_set_string_member (steps->doc, step->set, "");
          step_done (task);
          return;
        }
    }

  /* Not yet: a process may take a moment to go. */
  if (step->retry_ms > 0)
    {
      if (steps->retry_until == 0)
        steps->retry_until = g_get_monotonic_time () + (gint64) step->retry_ms * 1000;
      if (g_get_monotonic_time () < steps->retry_until)
        {
          steps->retry_id = g_timeout_add (RETRY_INTERVAL_MS, retry_cb, g_object_ref (task));
          return;
        }
    }

  said = first_line (*output->err != '\0' ? output->err : output->out);
  if (*said != '\0')
    /* Translators: the program, its exit status, then what it printed */
    detail = g_strdup_printf (_("%s exited with status %d: %s"),
                              (const char *) g_ptr_array_index (step->argv, 0),
                              output->exit_status, said);
  else
    detail = g_strdup_printf (_("%s exited with status %d"),
                              (const char *) g_ptr_array_index (step->argv, 0),
                              output->exit_status);
  fail_step (task, TW_ERROR_FAILED, detail);
}

static void
start_run (GTask *task)
{
  Steps *steps = g_task_get_task_data (task);
  TwCommandStep *step = current (task);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *input = NULL;
  TwCommandSpec spec = { NULL, };

  if (g_task_return_error_if_cancelled (task))
    return;
  for (guint i = 0; i < step->argv->len; i++)
    {
      char *arg = expand (steps, g_ptr_array_index (step->argv, i), &error);

      if (arg == NULL)
        {
          fail_step (task, TW_ERROR_INVALID, error->message);
          return;
        }
      g_ptr_array_add (argv, arg);
    }
  g_ptr_array_add (argv, NULL);
  if (step->input != NULL && (input = expand (steps, step->input, &error)) == NULL)
    {
      fail_step (task, TW_ERROR_INVALID, error->message);
      return;
    }

  spec.argv = (const char * const *) argv->pdata;
  spec.input = input;
  spec.path_prefix = steps->path_prefix;
  spec.on_host = steps->on_host;
  spec.timeout_ms = step->timeout_ms;
  tw_command_run_async (&spec, g_task_get_cancellable (task), on_run, g_object_ref (task));
}

/* save: @text to SAVEDIR/NAME-TIMESTAMP.txt, readable by the user alone. */
static void
do_save (GTask         *task,
         TwCommandStep *step)
{
  Steps *steps = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = expand (steps, step->text, &error);
  g_autofree char *path = NULL;

  if (text == NULL)
    {
      fail_step (task, TW_ERROR_INVALID, error->message);
      return;
    }
  if (g_mkdir_with_parents (steps->save_dir, 0700) != 0)
    {
      int saved = errno;

      fail_step (task, TW_ERROR_FAILED, g_strerror (saved));
      return;
    }
  for (guint n = 1; path == NULL || g_file_test (path, G_FILE_TEST_EXISTS); n++)
    {
      g_autofree char *basename = NULL;

      g_free (path);
      basename = n == 1
        ? g_strdup_printf ("%s-%s.txt", step->name, (const char *) g_hash_table_lookup (steps->vars, "timestamp"))
        : g_strdup_printf ("%s-%s-%u.txt", step->name, (const char *) g_hash_table_lookup (steps->vars, "timestamp"), n);
      path = g_build_filename (steps->save_dir, basename, NULL);
    }
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      fail_step (task, TW_ERROR_FAILED, error->message);
      return;
    }
  set_var (steps, step->out, path);
  if (step->set != NULL)
    json_object_set_string_member (steps->doc, step->set, path);
  step_done (task);
}

/* load_saved: the newest NAME-*.txt of the save folder. */
static void
do_load_saved (GTask         *task,
               TwCommandStep *step)
{
  Steps *steps = g_task_get_task_data (task);
  g_autoptr(GDir) dir = g_dir_open (steps->save_dir, 0, NULL);
  g_autofree char *prefix = g_strconcat (step->name, "-", NULL);
  g_autofree char *newest = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, ".txt") &&
        (newest == NULL || strcmp (name, newest) > 0))
      {
        g_free (newest);
        newest = g_strdup (name);
      }
  if (newest == NULL)
    {
      g_autofree char *detail =
        g_strdup_printf (_("no saved copy in %s"), steps->save_dir);

      fail_step (task, TW_ERROR_NOT_FOUND, detail);
      return;
    }
  path = g_build_filename (steps->save_dir, newest, NULL);
  if (!g_file_get_contents (path, &text, NULL, &error))
    {
      fail_step (task, TW_ERROR_FAILED, error->message);
      return;
    }
  set_var (steps, step->out, text);
  if (step->set != NULL)
    json_object_set_string_member (steps->doc, step->set, path);
  step_done (task);
}

static GRegex *
compile (GTask         *task,
         TwCommandStep *step)
{
  Steps *steps = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *pattern = expand (steps, step->pattern, &error);
  GRegex *regex;

  if (pattern == NULL)
    {
      fail_step (task, TW_ERROR_INVALID, error->message);
      return NULL;
    }
  if (*pattern == '\0')
    {
      fail_step (task, TW_ERROR_INVALID, _("the pattern is empty: it would find every line"));
      return NULL;
    }
  regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, &error);
  if (regex == NULL)
    fail_step (task, TW_ERROR_INVALID, error->message);
  return regex;
}

/* filter and expect: the lines of the text the pattern finds something in. */
static void
do_lines (GTask         *task,
          TwCommandStep *step)
{
  Steps *steps = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = expand (steps, step->text, &error);
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GString) kept = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  const char *first = NULL;
  guint found = 0;

  if (text == NULL)
    {
      fail_step (task, TW_ERROR_INVALID, error->message);
      return;
    }
  if ((regex = compile (task, step)) == NULL)
    return;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0' && lines[i + 1] == NULL)
        break;   /* the text's final newline */
      if (g_regex_match (regex, lines[i], 0, NULL))
        {
          if (found++ == 0)
            first = lines[i];
        }
      else
        g_string_append_printf (kept, "%s\n", lines[i]);
    }

  if (step->kind == TW_STEP_FILTER)
    {
      g_autofree char *count = g_strdup_printf ("%u", found);

      set_var (steps, step->out, kept->str);
      set_var (steps, step->count, count);
      if (step->count != NULL)
        json_object_set_int_member (steps->doc, step->count, found);
      step_done (task);
      return;
    }

  if (step->set != NULL)
    {
      g_autofree char *none = NULL;

      set_boolean (steps, step->set, found > 0);
      if (first == NULL)
        /* Translators: no line of a text (a crontab) matched the pattern %s */
        none = g_strdup_printf (_("no line matches %s"), g_regex_get_pattern (regex));
      add_told_component (steps, step, found > 0, first != NULL ? first : none);
    }
  else if ((found > 0) != step->present)
    {
      g_autofree char *detail =
        found > 0 ? g_strdup_printf (ngettext ("%u line still matches", "%u lines still match",
                                               found), found)
                  : g_strdup (_("no line matches"));

      fail_step (task, TW_ERROR_FAILED, detail);
      return;
    }
  step_done (task);
}

typedef struct
{
  char   *path;
  gint64  mtime;
  guint   mode;
} FileSeen;

static void
file_seen_free (FileSeen *seen)
{
  g_free (seen->path);
  g_free (seen);
}

static gboolean
has_glob (const char *text)
{
  return strpbrk (text, "*?[") != NULL;
}

/* The file @path, or the files its last part's glob matches. */
static GPtrArray *
find_files (const char *path)
{
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) file_seen_free);
  g_autofree char *dirname = g_path_get_dirname (path);
  g_autofree char *basename = g_path_get_basename (path);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (has_glob (dirname))
    return found;   /* only the last part may be a glob */
  if (has_glob (basename))
    {
      g_autoptr(GDir) dir = g_dir_open (dirname, 0, NULL);
      g_autoptr(GPatternSpec) spec = g_pattern_spec_new (basename);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (g_pattern_spec_match_string (spec, name))
          g_ptr_array_add (paths, g_build_filename (dirname, name, NULL));
    }
  else
    g_ptr_array_add (paths, g_strdup (path));

  for (guint i = 0; i < paths->len; i++)
    {
      GStatBuf st;
      FileSeen *seen;

      if (g_stat (g_ptr_array_index (paths, i), &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      seen = g_new0 (FileSeen, 1);
      seen->path = g_strdup (g_ptr_array_index (paths, i));
      seen->mtime = st.st_mtime;
      seen->mode = st.st_mode & 0777;
      g_ptr_array_add (found, seen);
    }
  return found;
}

/* "3 h 5 min", for details. */
static char *
format_age (gint64 seconds)
{
  int s = (int) CLAMP (seconds, 0, G_MAXINT);

  if (s < 60)
    return g_strdup_printf (_("%d s"), s);
  if (s < 3600)
    return g_strdup_printf (_("%d min"), s / 60);
  if (s < 2 * 86400)
    return g_strdup_printf (_("%d h %d min"), s / 3600, (s % 3600) / 60);
  return g_strdup_printf (_("%d days"), s / 86400);
}

/* file: what is there, how old, how open; as a member and as a health component. */
static void
do_file (GTask         *task,
         TwCommandStep *step)
{
  Steps *steps = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = expand (steps, step->path, &error);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GString) loose = g_string_new (NULL);
  FileSeen *newest = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n_loose = 0;

  if (path == NULL)
    {
      fail_step (task, TW_ERROR_INVALID, error->message);
      return;
    }
  found = find_files (path);
  for (guint i = 0; i < found->len; i++)
    {
      FileSeen *seen = g_ptr_array_index (found, i);

      if (newest == NULL || seen->mtime > newest->mtime)
        newest = seen;
      if (step->mode >= 0 && (seen->mode & ~(guint) step->mode) != 0)
        {
          g_autofree char *basename = g_path_get_basename (seen->path);

          g_string_append_printf (loose, "%s%s %03o", n_loose > 0 ? ", " : "", basename, seen->mode);
          n_loose++;
        }
    }

  if (step->set != NULL)
    {
      JsonObject *member = json_object_new ();

      json_object_set_string_member (member, "path", newest != NULL ? newest->path : path);
      json_object_set_boolean_member (member, "exists", newest != NULL);
      if (newest != NULL)
        {
          g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (newest->mtime);
          g_autofree char *modified = g_date_time_format_iso8601 (at);
          g_autofree char *mode = g_strdup_printf ("%03o", newest->mode);

          json_object_set_string_member (member, "modified", modified);
          json_object_set_int_member (member, "age_s", MAX (now - newest->mtime, 0));
          json_object_set_string_member (member, "mode", mode);
        }
      json_object_set_object_member (steps->doc, step->set, member);
    }

  if (step->out != NULL)
    {
      g_autofree char *text = NULL;

      if (newest != NULL)
        {
          g_autofree char *basename = g_path_get_basename (newest->path);
          g_autofree char *age = format_age (now - newest->mtime);

          /* Translators: a file's name, then how long ago it changed ("3 h 5 min") */
          text = g_strdup_printf (_("%s changed %s ago"), basename, age);
        }
      else
        /* Translators: %s is a file's path or pattern */
        text = g_strdup_printf (_("No file %s"), path);
      set_var (steps, step->out, text);
    }

  if (step->component != NULL)
    {
      g_autofree char *detail = NULL;
      const char *status = "ok";

      if (newest == NULL)
        {
          status = "missing";
          /* Translators: %s is a file's path or pattern */
          detail = g_strdup_printf (_("No file %s"), path);
        }
      else if (n_loose > 0)
        {
          g_autofree char *mode = g_strdup_printf ("%03o", step->mode);

          status = "loose";
          /* Translators: the files and their modes ("a.enc 644"), then the mode they need
           * ("600"), twice */
          detail = g_strdup_printf (_("Readable by others: %s; they must be %s (chmod %s)"),
                                    loose->str, mode, mode);
        }
      else
        {
          g_autofree char *basename = g_path_get_basename (newest->path);
          g_autofree char *age = format_age (now - newest->mtime);

          if (step->max_age_s >= 0 && now - newest->mtime > step->max_age_s)
            status = "stale";
          if (step->mode >= 0)
            detail = g_strdup_printf (ngettext ("%u file, mode %03o or tighter",
                                                   "%u files, mode %03o or tighter", found->len),
                                      found->len, (guint) step->mode);
          else
            /* Translators: a file's name, then how long ago it changed ("3 h 5 min") */
            detail = g_strdup_printf (_("%s changed %s ago"), basename, age);
        }
      add_component (steps, step->component, status, detail, g_str_equal (status, "ok"));
    }
  step_done (task);
}

static void
do_any (GTask         *task,
        TwCommandStep *step)
{
  Steps *steps = g_task_get_task_data (task);
  gboolean any = FALSE;

  for (guint i = 0; i < step->members->len; i++)
    {
      JsonNode *member = json_object_get_member (steps->doc, g_ptr_array_index (step->members, i));

      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_BOOLEAN && json_node_get_boolean (member))
        any = TRUE;
    }
  set_boolean (steps, step->set, any);
  step_done (task);
}

static gboolean
is_set (const char *value)
{
  return value != NULL && *value != '\0' && g_strcmp0 (value, "0") != 0 &&
         g_strcmp0 (value, "false") != 0;
}

static void
finish (GTask *task)
{
  Steps *steps = g_task_get_task_data (task);
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);

  if (steps->components != NULL)
    {
      gboolean all_ok = TRUE;
      g_autoptr(GList) names = json_object_get_members (steps->components);

      for (const GList *l = names; l != NULL; l = l->next)
        {
          JsonObject *component = json_object_get_object_member (steps->components, l->data);

          if (!json_object_get_boolean_member (component, "ok"))
            all_ok = FALSE;
        }
      json_object_set_string_member (steps->doc, "status", all_ok ? "ok" : "failing");
      json_object_set_object_member (steps->doc, "components",
                                     json_object_ref (steps->components));
    }
  json_node_set_object (root, steps->doc);
  g_task_return_pointer (task, root, (GDestroyNotify) json_node_unref);
}

static void
run_next (GTask *task)
{
  Steps *steps = g_task_get_task_data (task);
  TwCommandStep *step;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (steps->next >= steps->op->steps->len)
    {
      finish (task);
      return;
    }
  step = current (task);
  if (step->when != NULL && !is_set (g_hash_table_lookup (steps->vars, step->when)))
    {
      step_done (task);
      return;
    }

  switch (step->kind)
    {
    case TW_STEP_RUN:
      start_run (task);
      break;
    case TW_STEP_SAVE:
      do_save (task, step);
      break;
    case TW_STEP_LOAD_SAVED:
      do_load_saved (task, step);
      break;
    case TW_STEP_FILTER:
    case TW_STEP_EXPECT:
      do_lines (task, step);
      break;
    case TW_STEP_FILE:
      do_file (task, step);
      break;
    case TW_STEP_ANY:
      do_any (task, step);
      break;
    case TW_STEP_MESSAGE:
    default:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *text = expand (steps, step->text, &error);

        if (text == NULL)
          {
            fail_step (task, TW_ERROR_INVALID, error->message);
            return;
          }
        json_object_set_string_member (steps->doc, "message", text);
        step_done (task);
      }
      break;
    }
}

char *
tw_command_dup_save_dir (TwService  *service,
                         const char *profile_name)
{
  const char *dir;

  g_return_val_if_fail (TW_IS_SERVICE (service), NULL);
  g_return_val_if_fail (profile_name != NULL, NULL);

  dir = tw_service_get_setting (service, "SaveDir");
  if (dir != NULL && *dir != '\0')
    return g_strdup (dir);
  return g_build_filename (g_get_user_data_dir (), "tradewarden", "saved", profile_name,
                           tw_service_get_id (service), NULL);
}

/* The variables every step sees: the settings, ${dir}, ${timestamp}, the call's own. */
static gboolean
prepare (Steps       *steps,
         const char  *profile_name,
         GHashTable  *vars,
         GError     **error)
{
  TwConnector *connector = steps->op->connector;
  GPtrArray *settings = tw_connector_get_settings (connector);
  const char *base_url = tw_service_get_base_url (steps->service);
  const char *allow_host = tw_service_get_setting (steps->service, "AllowHost");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (vars != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, vars);
      while (g_hash_table_iter_next (&iter, &key, &value))
        set_var (steps, key, value);
    }
  g_hash_table_replace (steps->vars, g_strdup ("timestamp"), g_date_time_format (now, "%Y%m%d-%H%M%S"));
  set_var (steps, "profile", profile_name);
  set_var (steps, "service", tw_service_get_id (steps->service));
  if (base_url != NULL && g_str_has_prefix (base_url, "file://"))
    {
      g_autofree char *dir = g_filename_from_uri (base_url, NULL, NULL);

      set_var (steps, "dir", dir);
    }

  for (guint i = 0; i < settings->len; i++)
    {
      TwCommandSetting *setting = g_ptr_array_index (settings, i);
      const char *value = tw_service_get_setting (steps->service, setting->name);
      g_autofree char *fallback = NULL;

      if (value == NULL && setting->fallback != NULL)
        {
          g_autoptr(GError) local_error = NULL;

          value = fallback = expand (steps, setting->fallback, &local_error);
          if (value == NULL)
            {
              g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                           _("%s: its “%s” cannot be worked out (%s). Set BaseUrl=file:///its/folder "
                             "or %s= in its group of the profile."),
                           steps->service_name, setting->name, local_error->message, setting->name);
              return FALSE;
            }
        }
      if (value == NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("%s: “%s” is missing from its group of the profile."),
                       steps->service_name, setting->name);
          return FALSE;
        }
      set_var (steps, setting->name, value);
    }

  steps->path_prefix = g_strdup (tw_service_get_setting (steps->service, "CommandPath"));
  steps->save_dir = tw_command_dup_save_dir (steps->service, profile_name);
  /* AllowHost=false: the commands and files are the sandbox's own (the demo's). */
  if (tw_sandbox_is_flatpak () && g_strcmp0 (allow_host, "false") != 0)
    {
      if (g_strcmp0 (allow_host, "true") != 0)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_FORBIDDEN,
                       /* Translators: the last two placeholders are a profile key and a
                        * shell command, in English */
                       _("%s is run by commands on this computer, but Trade Warden runs in a "
                         "Flatpak sandbox. To let it run them on the host, set %s in the "
                         "service's group of the profile and run: %s"),
                       steps->service_name, "AllowHost=true",
                       "flatpak override --user --talk-name=org.freedesktop.Flatpak " APP_ID);
          return FALSE;
        }
      steps->on_host = TRUE;
    }
  return TRUE;
}

/* One operation at a time per service: a status probe's `pgrep -f PATTERN` must never run
 * beside a halt's `pkill -f PATTERN` (each would find the other by its command line), nor
 * read a crontab that a halt is halfway through rewriting. The others wait their turn. */
typedef struct
{
  GQueue   waiting;   /* GTask, owned */
  gboolean busy;
} Lane;

#define LANE_KEY "tw-command-lane"

static void
lane_free (gpointer data)
{
  Lane *lane = data;

  g_queue_clear_full (&lane->waiting, g_object_unref);
  g_free (lane);
}

static Lane *
get_lane (TwService *service)
{
  Lane *lane = g_object_get_data (G_OBJECT (service), LANE_KEY);

  if (lane == NULL)
    {
      lane = g_new0 (Lane, 1);
      g_queue_init (&lane->waiting);
      g_object_set_data_full (G_OBJECT (service), LANE_KEY, lane, lane_free);
    }
  return lane;
}

static void lane_enter (GTask *task);

static void
on_completed (GTask      *task,
              GParamSpec *pspec,
              gpointer    user_data)
{
  Steps *steps = g_task_get_task_data (task);
  Lane *lane = get_lane (steps->service);
  g_autoptr(GTask) next = NULL;

  lane->busy = FALSE;
  next = g_queue_pop_head (&lane->waiting);
  if (next != NULL)
    lane_enter (next);
}

static void
lane_enter (GTask *task)
{
  Steps *steps = g_task_get_task_data (task);
  Lane *lane = get_lane (steps->service);

  if (lane->busy)
    {
      g_queue_push_tail (&lane->waiting, g_object_ref (task));
      return;
    }
  lane->busy = TRUE;
  g_signal_connect (task, "notify::completed", G_CALLBACK (on_completed), NULL);
  steps->started = g_get_monotonic_time ();
  run_next (task);
}

void
tw_command_operation_run_async (const TwOperation   *op,
                                TwService           *service,
                                const char          *profile_name,
                                GHashTable          *vars,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Steps *steps;

  g_return_if_fail (op != NULL && op->steps != NULL);
  g_return_if_fail (TW_IS_SERVICE (service));
  g_return_if_fail (profile_name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_command_operation_run_async);
  g_task_set_name (task, "[tw-command] steps");

  steps = g_new0 (Steps, 1);
  steps->op = op;
  steps->service = g_object_ref (service);
  steps->service_name = g_strdup (tw_service_get_name (service) != NULL
                                  ? tw_service_get_name (service) : tw_service_get_id (service));
  steps->vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  steps->doc = json_object_new ();
  g_task_set_task_data (task, steps, steps_free);

  if (!prepare (steps, profile_name, vars, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Each step that waits holds a reference of its own. */
  lane_enter (task);
}

/**
 * tw_command_operation_run_finish:
 *
 * @run_us: (out) (optional): how long the steps ran (not the wait for their turn)
 *
 * Returns: (transfer full): the document the steps built, or %NULL with @error
 */
JsonNode *
tw_command_operation_run_finish (GAsyncResult  *result,
                                 gint64        *run_us,
                                 GError       **error)
{
  Steps *steps;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  steps = g_task_get_task_data (G_TASK (result));
  if (run_us != NULL)
    *run_us = steps->started != 0 ? g_get_monotonic_time () - steps->started : 0;
  return g_task_propagate_pointer (G_TASK (result), error);
}
