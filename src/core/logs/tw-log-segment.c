/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-log-private.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define READ_BLOCK (1024 * 1024)
/* An index reads smaller blocks: each is scanned right after the read copied it, while it
 * is still in the core's own cache (1 MiB ones were not, on 1 MiB L2 caches). */
#define INDEX_BLOCK (256 * 1024)
#define PUBLISH_LINES (64 * 1024)

static void
run_init (TwLogRun *run)
{
  run->chunks = g_ptr_array_new_with_free_func (g_free);
}

static void
run_append (TwLogRun *run,
            guint64   offset)
{
  guint chunk = run->n / TW_LOG_CHUNK_LINES;

  if (chunk == run->chunks->len)
    g_ptr_array_add (run->chunks, g_new (guint64, TW_LOG_CHUNK_LINES));
  ((guint64 *) run->chunks->pdata[chunk])[run->n % TW_LOG_CHUNK_LINES] = offset;
}

static guint64
run_get (TwLogRun *run,
         guint     row)
{
  return ((guint64 *) run->chunks->pdata[row / TW_LOG_CHUNK_LINES])[row % TW_LOG_CHUNK_LINES];
}

TwLogSegment *
_tw_log_segment_new (const char *path,
                     int         fd,
                     dev_t       dev,
                     ino_t       ino)
{
  TwLogSegment *segment = g_new0 (TwLogSegment, 1);

  segment->ref_count = 1;
  g_mutex_init (&segment->lock);
  segment->path = g_strdup (path);
  segment->fd = fd;
  segment->dev = dev;
  segment->ino = ino;
  run_init (&segment->head);
  run_init (&segment->tail);
  return segment;
}

TwLogSegment *
_tw_log_segment_ref (TwLogSegment *segment)
{
  g_atomic_int_inc (&segment->ref_count);
  return segment;
}

void
_tw_log_segment_unref (TwLogSegment *segment)
{
  if (segment == NULL || !g_atomic_int_dec_and_test (&segment->ref_count))
    return;
  if (segment->fd >= 0)
    close (segment->fd);
  g_ptr_array_unref (segment->head.chunks);
  g_ptr_array_unref (segment->tail.chunks);
  g_mutex_clear (&segment->lock);
  g_free (segment->path);
  g_free (segment);
}

guint
_tw_log_segment_count (TwLogSegment *segment)
{
  guint n;

  g_mutex_lock (&segment->lock);
  n = segment->head.n + segment->tail.n + (segment->cut_end > segment->tail.end ? 1 : 0);
  g_mutex_unlock (&segment->lock);
  return n;
}

gsize
_tw_log_segment_memory (TwLogSegment *segment)
{
  gsize bytes;

  g_mutex_lock (&segment->lock);
  bytes = (segment->head.chunks->len + segment->tail.chunks->len)
          * (TW_LOG_CHUNK_LINES * sizeof (guint64) + sizeof (gpointer));
  g_mutex_unlock (&segment->lock);
  return bytes + sizeof *segment;
}

gboolean
_tw_log_segment_row_range (TwLogSegment *segment,
                           guint         n_head,
                           guint         row,
                           guint64      *start,
                           guint64      *end,
                           gboolean     *cut)
{
  gboolean found = TRUE;
  TwLogRun *run = NULL;

  *cut = FALSE;
  g_mutex_lock (&segment->lock);
  if (row < n_head)
    run = &segment->head;
  else if ((row -= n_head) < segment->tail.n)
    run = &segment->tail;
  else if (row == segment->tail.n && segment->cut_end > segment->tail.end)
    {
      *start = segment->tail.end;
      *end = segment->cut_end;
      *cut = TRUE;
    }
  else
    found = FALSE;
  if (run != NULL)
    {
      *start = run_get (run, row);
      *end = row + 1 < run->n ? run_get (run, row + 1) : run->end;
    }
  g_mutex_unlock (&segment->lock);
  return found;
}

typedef struct
{
  TwLogSegment *segment;
  TwLogRun     *run;
  guint64      *batch;
  guint         n_batch;
  guint         batch_size;
  guint64       line_start;
} Indexer;

/* A line ends just before @next: its start is batched, published by the batch. */
static inline void
add_line (Indexer *ix,
          guint64  next)
{
  ix->batch[ix->n_batch++] = ix->line_start;
  ix->line_start = next;
  if (ix->n_batch == ix->batch_size)
    {
      g_mutex_lock (&ix->segment->lock);
      for (guint i = 0; i < ix->n_batch; i++)
        {
          run_append (ix->run, ix->batch[i]);
          ix->run->n++;
        }
      ix->run->end = ix->line_start;
      g_mutex_unlock (&ix->segment->lock);
      ix->n_batch = 0;
    }
}

/* Every line ending in @buf (@len bytes at @pos in the file). With SSE2 (every x86-64)
 * 64 bytes at a time, a bit a newline: one pass over the block, not one memchr() call a
 * line. */
static void
scan_block (Indexer    *ix,
            const char *buf,
            gsize       len,
            guint64     pos)
{
  const char *p = buf;
  const char *stop = buf + len;

#ifdef __SSE2__
  {
    const __m128i nl = _mm_set1_epi8 ('\n');
    gsize i;

    for (i = 0; i + 64 <= len; i += 64)
      {
        const __m128i *v = (const __m128i *) (buf + i);
        guint64 mask = (guint64) (guint16) _mm_movemask_epi8 (_mm_cmpeq_epi8 (_mm_loadu_si128 (v), nl))
                       | (guint64) (guint16) _mm_movemask_epi8 (_mm_cmpeq_epi8 (_mm_loadu_si128 (v + 1), nl)) << 16
                       | (guint64) (guint16) _mm_movemask_epi8 (_mm_cmpeq_epi8 (_mm_loadu_si128 (v + 2), nl)) << 32
                       | (guint64) (guint16) _mm_movemask_epi8 (_mm_cmpeq_epi8 (_mm_loadu_si128 (v + 3), nl)) << 48;

        while (mask != 0)
          {
            add_line (ix, pos + i + (guint) __builtin_ctzll (mask) + 1);
            mask &= mask - 1;
          }
      }
    p = buf + i;
  }
#endif
  while (p < stop && (p = memchr (p, '\n', stop - p)) != NULL)
    {
      p++;
      add_line (ix, pos + (p - buf));
    }
}

guint64
_tw_log_segment_index (TwLogSegment *segment,
                       TwLogRun     *run,
                       guint64       from,
                       guint64       to,
                       GCancellable *cancellable)
{
  /* Sized to the work: a followed file grows by a few lines a tick, and large blocks
   * mapped and unmapped each time would cost every thread of the process. */
  gsize block = to > from ? MIN ((guint64) INDEX_BLOCK, to - from) : 1;
  guint batch_size = to > from ? MIN ((guint64) PUBLISH_LINES, to - from) : 1;
  g_autofree char *buf = g_malloc (block);
  g_autofree guint64 *batch = g_new (guint64, batch_size);
  Indexer ix = { segment, run, batch, 0, batch_size, from };
  guint64 pos = from;

  while (pos < to && !g_cancellable_is_cancelled (cancellable))
    {
      gsize want = MIN ((guint64) block, to - pos);
      gssize got = pread (segment->fd, buf, want, pos);

      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        break;
      scan_block (&ix, buf, got, pos);
      pos += got;
    }

  g_mutex_lock (&segment->lock);
  for (guint i = 0; i < ix.n_batch; i++)
    {
      run_append (run, batch[i]);
      run->n++;
    }
  if (run->n == 0)
    run->end = run->start;
  else
    run->end = ix.line_start;
  g_mutex_unlock (&segment->lock);
  return ix.line_start;
}

/* Snapshots */

TwLogSnapshot *
_tw_log_snapshot_new (const char  *source_id,
                      TwLogFormat *format)
{
  TwLogSnapshot *snapshot = g_new0 (TwLogSnapshot, 1);

  snapshot->ref_count = 1;
  snapshot->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_log_segment_unref);
  snapshot->counts = g_array_new (FALSE, FALSE, sizeof (guint));
  snapshot->heads = g_array_new (FALSE, FALSE, sizeof (guint));
  snapshot->format = tw_log_format_ref (format);
  snapshot->source_id = g_strdup (source_id);
  return snapshot;
}

void
_tw_log_snapshot_add (TwLogSnapshot *snapshot,
                      TwLogSegment  *segment,
                      guint          n_head,
                      guint          n_rows)
{
  g_ptr_array_add (snapshot->segments, _tw_log_segment_ref (segment));
  g_array_append_val (snapshot->heads, n_head);
  g_array_append_val (snapshot->counts, n_rows);
  snapshot->n_rows += n_rows;
}

TwLogSnapshot *
_tw_log_snapshot_ref (TwLogSnapshot *snapshot)
{
  g_atomic_int_inc (&snapshot->ref_count);
  return snapshot;
}

void
_tw_log_snapshot_unref (TwLogSnapshot *snapshot)
{
  if (snapshot == NULL || !g_atomic_int_dec_and_test (&snapshot->ref_count))
    return;
  g_ptr_array_unref (snapshot->segments);
  g_array_unref (snapshot->counts);
  g_array_unref (snapshot->heads);
  tw_log_format_unref (snapshot->format);
  g_free (snapshot->source_id);
  g_free (snapshot);
}

static TwLogSegment *
locate (TwLogSnapshot *snapshot,
        guint         *row,
        guint         *n_head)
{
  for (guint i = 0; i < snapshot->segments->len; i++)
    {
      guint n = g_array_index (snapshot->counts, guint, i);

      *n_head = g_array_index (snapshot->heads, guint, i);
      if (*row < n)
        return g_ptr_array_index (snapshot->segments, i);
      *row -= n;
    }
  return NULL;
}

static GBytes *
read_range (TwLogSegment   *segment,
            guint           n_head,
            guint           row,
            gsize           cap,
            TwLogLineFlags *flags)
{
  guint64 start, end;
  gboolean cut;
  gsize len, done = 0;
  char *buf;

  if (!_tw_log_segment_row_range (segment, n_head, row, &start, &end, &cut))
    {
      *flags |= TW_LOG_LINE_UNREADABLE;
      return NULL;
    }
  if (cut)
    *flags |= TW_LOG_LINE_CUT;
  if (segment->lost || segment->fd < 0)
    {
      *flags |= TW_LOG_LINE_LOST;
      return g_bytes_new (NULL, 0);
    }
  len = end - start;
  if (len > 0 && !cut)
    len--;  /* the newline */
  if (len > cap)
    {
      len = cap;
      *flags |= TW_LOG_LINE_SHORTENED;
    }
  buf = g_malloc (len + 1);
  while (done < len)
    {
      gssize got = pread (segment->fd, buf + done, len - done, start + done);

      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        {
          *flags |= TW_LOG_LINE_UNREADABLE;
          break;
        }
      done += got;
    }
  if (done > 0 && buf[done - 1] == '\r')
    done--;
  buf[done] = '\0';
  return g_bytes_new_take (buf, done);
}

GBytes *
_tw_log_snapshot_read_raw (TwLogSnapshot  *snapshot,
                           guint           row,
                           TwLogLineFlags *flags)
{
  guint n_head = 0;
  TwLogSegment *segment = locate (snapshot, &row, &n_head);

  *flags = 0;
  if (segment == NULL)
    return NULL;
  return read_range (segment, n_head, row, G_MAXSIZE, flags);
}

char *
_tw_log_snapshot_read (TwLogSnapshot  *snapshot,
                       guint           row,
                       TwLogLineFlags *flags)
{
  guint n_head = 0;
  TwLogSegment *segment = locate (snapshot, &row, &n_head);
  g_autoptr(GBytes) bytes = NULL;
  const char *data;
  gsize len;

  *flags = 0;
  if (segment == NULL || (bytes = read_range (segment, n_head, row, TW_LOG_LINE_DISPLAY_MAX, flags)) == NULL)
    return g_strdup ("");
  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    return g_strdup ("");
  if (memchr (data, '\0', len) != NULL || !g_utf8_validate (data, len, NULL))
    {
      GString *text = g_string_sized_new (len);

      *flags |= TW_LOG_LINE_BINARY;
      for (gsize i = 0; i < len; i++)
        {
          guchar c = data[i];

          if (c >= 0x20 && c < 0x7f)
            g_string_append_c (text, c);
          else if (c == '\t')
            g_string_append_c (text, ' ');
          else
            g_string_append_printf (text, "\\x%02x", c);
        }
      return g_string_free (text, FALSE);
    }
  return g_strndup (data, len);
}

void
_tw_log_snapshot_scan (TwLogSnapshot *snapshot,
                       guint          from,
                       guint          to,
                       TwLogScanFunc  func,
                       gpointer       user_data,
                       GCancellable  *cancellable)
{
  g_autofree char *buf = g_malloc (READ_BLOCK);
  g_autoptr(GByteArray) carry = g_byte_array_new ();
  guint base = 0;

  for (guint s = 0; s < snapshot->segments->len && base < to; s++)
    {
      TwLogSegment *segment = g_ptr_array_index (snapshot->segments, s);
      guint n = g_array_index (snapshot->counts, guint, s);
      guint n_head = g_array_index (snapshot->heads, guint, s);
      guint row = MAX (from, base) - base;

      while (row < n && base + row < to)
        {
          guint64 start, end, pos;
          gboolean cut;
          guint last = MIN (n, to - base);
          guint64 range_end;
          guint run_last;

          if (g_cancellable_is_cancelled (cancellable))
            return;
          if (!_tw_log_segment_row_range (segment, n_head, row, &start, &end, &cut))
            break;
          if (segment->lost || segment->fd < 0 || cut)
            {
              g_autoptr(GBytes) bytes = NULL;
              TwLogLineFlags flags = 0;
              gsize len = 0;
              const char *data;

              bytes = read_range (segment, n_head, row, G_MAXSIZE, &flags);
              data = bytes != NULL ? g_bytes_get_data (bytes, &len) : "";
              if (!func (base + row, data != NULL ? data : "", len, user_data))
                return;
              row++;
              continue;
            }
          /* The rows of this run up to @last are contiguous: read them in blocks. */
          g_mutex_lock (&segment->lock);
          if (row < n_head)
            {
              run_last = MIN (last, n_head);
              range_end = run_last < segment->head.n ? run_get (&segment->head, run_last) : segment->head.end;
            }
          else
            {
              guint tail_last = MIN (last - n_head, segment->tail.n);

              run_last = n_head + tail_last;
              range_end = tail_last < segment->tail.n ? run_get (&segment->tail, tail_last) : segment->tail.end;
            }
          g_mutex_unlock (&segment->lock);

          pos = start;
          g_byte_array_set_size (carry, 0);
          while (pos < range_end && row < run_last)
            {
              gssize got = pread (segment->fd, buf, MIN ((guint64) READ_BLOCK, range_end - pos), pos);
              const char *p = buf, *stop, *nl;

              if (got < 0 && errno == EINTR)
                continue;
              if (got <= 0)
                return;
              stop = buf + got;
              while (row < run_last && (nl = memchr (p, '\n', stop - p)) != NULL)
                {
                  const char *line = p;
                  gsize len = nl - p;

                  if (carry->len > 0)
                    {
                      g_byte_array_append (carry, (const guint8 *) p, len);
                      line = (const char *) carry->data;
                      len = carry->len;
                    }
                  if (len > 0 && line[len - 1] == '\r')
                    len--;
                  if (!func (base + row, line, len, user_data))
                    return;
                  g_byte_array_set_size (carry, 0);
                  row++;
                  p = nl + 1;
                  if ((row & 0xfff) == 0 && g_cancellable_is_cancelled (cancellable))
                    return;
                }
              if (p < stop)
                g_byte_array_append (carry, (const guint8 *) p, stop - p);
              pos += got;
            }
          if (row < run_last)
            break;  /* the file shrank under us */
        }
      base += n;
    }
}
