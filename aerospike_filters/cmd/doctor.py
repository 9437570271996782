#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""``aerospike-filters doctor``: find misconfiguration, say how to fix it."""

import contextlib
import functools
import logging
import shutil

from cliff import lister

from aerospike_filters.cmd import base
from aerospike_filters import conf
from aerospike_filters.doctor import checks
from aerospike_filters.doctor import context
from aerospike_filters.doctor import findings

COLUMNS = ('Severity', 'Object', 'Finding', 'Fix')
#: The table's width when the terminal's is unknown (output to a pipe).
NARROW = 120


@contextlib.contextmanager
def _filter_warnings_muted():
    """The filter's own warnings would repeat doctor's findings."""
    logger = logging.getLogger('aerospike_filters.scheduler')
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class Doctor(base.CommandBase, lister.Lister):
    """Check the scheduler's nova.conf, nova-api's validators and the cloud.

    Cloud checks read a live cloud (--os-cloud) or a snapshot (--snapshot);
    without either, the packaged sample. Exit status 1 when an error or a
    warning is found. The table lists each fix whole after it; -f value
    -c Fix prints only the fixes, one per line.
    """

    report_columns = COLUMNS

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        base.add_source_arguments(parser)
        parser.add_argument('--no-cloud', action='store_true',
                            help='check only nova.conf and the validators')
        parser.add_argument('--long', action='store_true',
                            help='do not wrap the table to the terminal '
                                 'width (%d columns when unknown)'
                                 % NARROW)
        return parser

    def take_action(self, parsed_args):
        found = self.examine(parsed_args)
        self.needs_attention = findings.needs_attention(found)
        return COLUMNS, found

    def produce_output(self, parsed_args, column_names, data):
        if parsed_args.formatter == 'table':
            if not data:
                if self.source:
                    self.app.stdout.write('Source: %s\n' % self.source)
                self.app.stdout.write('No problems found.\n')
                return 0
            if not parsed_args.long and not parsed_args.max_width:
                parsed_args.max_width = (
                    shutil.get_terminal_size((NARROW, 24)).columns)
            if 'Fix' in (parsed_args.columns or column_names):
                return self._table_with_fixes(parsed_args, column_names,
                                              data)
        return super().produce_output(parsed_args, column_names, data)

    def _table_with_fixes(self, parsed_args, column_names, data):
        """The table, its Fix cells naming the fixes printed after it.

        A wrapped table would cut a command (or a nova.conf path) across
        lines; each fix is printed whole on a line of its own, once.
        """
        fixes = []
        rows = []
        for row in data:
            fix = row[-1]
            if fix not in fixes:
                fixes.append(fix)
            rows.append(tuple(row[:-1]) + ('see fix %d below'
                                           % (fixes.index(fix) + 1),))
        status = super().produce_output(parsed_args, column_names, rows)
        self.app.stdout.write('Fixes (each on one line, to copy whole):\n')
        for number, fix in enumerate(fixes, 1):
            self.app.stdout.write('%d. %s\n' % (number, fix))
        return status

    def examine(self, args):
        """Every finding of doctor's checks, most severe first."""
        base.load_nova_conf(args.config_file)
        # nova is installed: load_nova_conf said so.
        from aerospike_filters.whatif import replay
        data = None
        if not args.no_cloud:
            data = base.load_snapshot(self, args, with_groups=True)[0]
            replay.use_snapshot_aliases(data)
        from aerospike_filters.whatif import nova_config
        scheduler_conf = None
        if args.config_file:
            try:
                scheduler_conf = nova_config.scheduler_conf(args.config_file)
            except conf.ConfigError as exc:
                raise base.CommandError(str(exc)) from None
        examined = context.Context(
            args, scheduler_conf, data, base.tool_args(self.app, args),
            functools.partial(base.pci_aliases_from_files, args.config_file,
                              strict=False))
        found = []
        with _filter_warnings_muted():
            for _, check in checks.CHECKS:
                found += check(examined)
        return findings.settle(found, scheduler_conf)
