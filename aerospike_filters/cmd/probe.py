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

"""``aerospike-filters probe``: report this compute's storage as JSON."""

import json

from cliff import command

from aerospike_filters.cmd import base
from aerospike_filters import provider_config


class Probe(base.CommandBase, command.Command):
    """Find this host's effective ephemeral backend and NVMe drives.

    Runs on a compute node and needs no credentials. Prints a JSON report
    (host, ephemeral_backend, nvme_devices, reasons).

    With --provider-config, also writes the facts (backend, NVMe
    passthrough drive count) as nova's provider config, for nova-compute
    to publish on its own resource provider at its next start (run it in
    an ExecStartPre= of nova-compute); "trait sync-facts", on a
    controller, then moves the host into its backend aggregate. The file
    is written only if nova's own loader accepts it (else exit 2 and the
    old file is kept), atomically, and not rewritten when unchanged.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        base.add_probe_arguments(parser)
        parser.add_argument('--host', metavar='<host>',
                            help="this compute's nova host name (default: "
                                 '[DEFAULT] host, else the hostname)')
        parser.add_argument(
            '--provider-config', metavar='<file>',
            help="write the facts as nova's provider config to this .yaml "
                 'file, in [compute] provider_config_location (e.g. '
                 '/etc/nova/provider_config/aerospike.yaml)')
        return parser

    def take_action(self, parsed_args):
        result = base.run_probe(parsed_args, parsed_args.host)
        if parsed_args.provider_config:
            self._write(parsed_args.provider_config, result)
        self.app.stdout.write(json.dumps(result, indent=2) + '\n')

    def _write(self, path, result):
        nvme = sum(1 for device in result.get('nvme_devices', [])
                   if device.get('passthrough'))
        config = provider_config.content(result['ephemeral_backend'], nvme)
        try:
            written = provider_config.write(path, config)
        except provider_config.ProviderConfigError as exc:
            raise base.CommandError(str(exc)) from None
        self.app.stderr.write(
            '%s: %s; nova-compute publishes it at its next start\n'
            % (path, 'written' if written else 'unchanged, not rewritten'))
