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
import logging
import shutil

from cliff import lister

from aerospike_filters.cmd import base
from aerospike_filters import conf
from aerospike_filters import diagnosis

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
        findings = self.examine(parsed_args)
        self.needs_attention = diagnosis.needs_attention(findings)
        return COLUMNS, findings

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
        """Every finding, most severe first."""
        base.load_nova_conf(args.config_file)
        # nova is installed: load_nova_conf said so.
        from aerospike_filters.whatif import replay
        data = None
        if not args.no_cloud:
            data = base.load_snapshot(self, args)[0]
            replay.use_snapshot_aliases(data)
        from aerospike_filters.whatif import nova_config
        scheduler_conf = None
        if args.config_file:
            try:
                scheduler_conf = nova_config.scheduler_conf(args.config_file)
            except conf.ConfigError as exc:
                raise base.CommandError(str(exc)) from None
            findings, settings = diagnosis.check_scheduler_conf(
                scheduler_conf)
            findings += diagnosis.check_unknown_options(
                nova_config.unknown_options(args.config_file))
            if settings is not None:
                findings += diagnosis.check_pci_aliases(scheduler_conf,
                                                        settings)
        else:
            settings = conf.read_settings()
            findings = [diagnosis.no_config_checked()]
        findings += diagnosis.check_validators()
        if data is not None and settings is not None:
            max_candidates = (scheduler_conf or nova_config.CONF
                              ).scheduler.max_placement_results
            with _filter_warnings_muted():
                findings += self._examine_cloud(args, data, replay, settings,
                                                scheduler_conf,
                                                max_candidates)
        return diagnosis.settle(findings, scheduler_conf)

    def _examine_cloud(self, args, data, replay, settings, scheduler_conf,
                       max_candidates):
        """Findings on the cloud's hosts, aggregates, flavors and traits."""
        states = replay.host_states(data)

        def hosts_for(specs):
            try:
                rows = replay.explain(states, replay.request_spec(specs))
            except replay.RequestError:
                # nova cannot even build the request (an undefined PCI
                # alias, say): no host; check_nvme_config says why.
                return diagnosis.HostsFor([], [])
            return diagnosis.HostsFor(
                [r.host for r in rows if r.verdict == replay.PASS],
                [(r.host, r.ineligible)
                 for r in rows if r.verdict == replay.INELIGIBLE])

        findings = diagnosis.check_cloud(data, settings, hosts_for,
                                         self._tool_args(args))
        if scheduler_conf is not None:
            findings += diagnosis.check_nvme_config(scheduler_conf, settings,
                                                    data)
        findings += diagnosis.check_local_disk(data, settings,
                                               self._tool_args(args))
        return findings + diagnosis.check_traits(
            data, settings, self._aliases(args, data), max_candidates,
            self._tool_args(args))

    @staticmethod
    def _aliases(args, data):
        """The [pci] alias entries: the snapshot's, else nova.conf's."""
        # A line that is no JSON object is a finding of its own.
        return data.get('pci_aliases') or base.pci_aliases_from_files(
            args.config_file, strict=False)

    def _tool_args(self, args):
        return base.tool_args(self.app, args)
