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

import logging
import os

from cliff import lister

from aerospike_filters.cmd import explain
from aerospike_filters import diagnosis

COLUMNS = ('Severity', 'Object', 'Finding', 'Fix')
DEFAULT_CONF = '/etc/nova/nova.conf'
_ORDER = {diagnosis.ERROR: 0, diagnosis.WARNING: 1, diagnosis.INFO: 2}


class Doctor(lister.Lister):
    """Check the scheduler's nova.conf, nova-api's validators and the cloud.

    Cloud checks read a live cloud (--os-cloud) or a snapshot (--snapshot);
    without either, the packaged sample. Exit status 1 when an error or a
    warning is found.
    """

    # Inside OpenStackClient: a snapshot needs no credentials.
    auth_required = False

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        explain.add_source_arguments(parser)
        parser.add_argument('--no-cloud', action='store_true',
                            help='check only nova.conf and the validators')
        return parser

    def take_action(self, parsed_args):
        data = None
        if not parsed_args.no_cloud:
            data = explain.load_cloud(parsed_args, self.app)[0]
        if not parsed_args.config_file and os.path.exists(DEFAULT_CONF):
            parsed_args.config_file = [DEFAULT_CONF]
        replay = explain.prepare_nova(parsed_args, data or {})
        from aerospike_filters.cmd import nova_setup
        from aerospike_filters.scheduler import evaluation
        if parsed_args.config_file:
            conf = nova_setup.scheduler_conf(parsed_args.config_file)
            findings, settings = diagnosis.check_scheduler_conf(conf)
        else:
            conf, settings = None, evaluation.read_settings()
            findings = [diagnosis.Finding(
                diagnosis.INFO, 'nova.conf', 'no nova.conf checked',
                "pass the scheduler's nova.conf with --config-file")]
        findings += diagnosis.check_validators()
        if data is not None and settings is not None:
            # The filter's own warnings repeat findings listed below.
            logging.getLogger('aerospike_filters.scheduler').setLevel(
                logging.ERROR)
            states = replay.host_states(data)

            def passing_hosts(specs):
                rows = replay.explain(states, replay.request_spec(specs))
                return [row.host for row in rows if row.passes]

            findings += diagnosis.check_cloud(data, settings, passing_hosts)
            if conf is not None:
                findings += diagnosis.check_nvme_config(conf, settings, data)
        findings.sort(key=lambda f: _ORDER[f.severity])
        self.bad = any(f.severity != diagnosis.INFO for f in findings)
        if not findings:
            self.app.stderr.write('No problems found.\n')
        return COLUMNS, findings

    def run(self, parsed_args):
        self.bad = False
        super().run(parsed_args)
        return 1 if self.bad else 0
