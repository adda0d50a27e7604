/*
 * The reference for decoded values: libtraceevent (the library perf and trace-cmd print events with)
 * reads a captured kernel's format file and prints records of it as the kernel's ftrace does.
 * Usage: traceevent-print FORMAT SYSTEM FIELD VALUE...: for each VALUE (hex), one line, the event's
 * text for a record whose FIELD holds VALUE and every other field 0 (dynamic strings empty).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

int main(int argc, char **argv)
{
	static char text[1 << 20];
	unsigned char data[4096];
	struct tep_format_field *f, *field;
	struct tep_handle *tep;
	struct tep_event *event;
	struct tep_record record;
	struct trace_seq s;
	size_t length, end = 0;
	FILE *file;
	int i;

	if (argc < 5)
		return fprintf(stderr, "usage: %s FORMAT SYSTEM FIELD VALUE...\n", argv[0]), 2;
	file = fopen(argv[1], "r");
	if (!file)
		return perror(argv[1]), 1;
	length = fread(text, 1, sizeof(text) - 1, file);
	fclose(file);
	tep = tep_alloc();
	tep_set_long_size(tep, 8);
	tep_set_page_size(tep, 4096);
	if (tep_parse_event(tep, text, length, argv[2]) != 0)
		return fprintf(stderr, "libtraceevent cannot read %s\n", argv[1]), 1;
	event = tep_get_first_event(tep);
	field = tep_find_field(event, argv[3]);
	if (!field)
		return fprintf(stderr, "%s has no field %s\n", event->name, argv[3]), 1;
	for (f = event->format.fields; f; f = f->next)
		if ((size_t)(f->offset + f->size) > end)
			end = f->offset + f->size;
	for (i = 4; i < argc; i++) {
		unsigned long long value = strtoull(argv[i], NULL, 16);

		memset(data, 0, sizeof(data));
		/* common_type: the captured format's ID. */
		memcpy(data, &event->id, 2);
		/* Dynamic arrays point at one empty string after the record. */
		for (f = event->format.fields; f; f = f->next)
			if (f->flags & TEP_FIELD_IS_DYNAMIC) {
				unsigned int loc = (1u << 16) | (unsigned int)end;

				memcpy(data + f->offset, &loc, 4);
			}
		memcpy(data + field->offset, &value, field->size < 8 ? field->size : 8);
		memset(&record, 0, sizeof(record));
		record.data = data;
		record.size = end + 1;
		trace_seq_init(&s);
		tep_print_event(tep, &s, &record, "%s", TEP_PRINT_INFO);
		trace_seq_terminate(&s);
		printf("%s\n", s.buffer);
		trace_seq_destroy(&s);
	}
	tep_free(tep);
	return 0;
}
