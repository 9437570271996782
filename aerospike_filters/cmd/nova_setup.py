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

"""Configuration for commands that run nova code outside nova's services."""

from oslo_config import cfg

from aerospike_filters.cmd import main

CONF = cfg.CONF
_loaded = []


def load_config(config_files=()):
    """Parse nova.conf files into the global CONF, once per process.

    Registers nova's options first, so that ``[pci] alias`` and the
    plugin's own group are read as nova-scheduler reads them. A bad file or
    value becomes a UserError naming it.
    """
    if _loaded:
        return
    # nova.conf registers nova's own options ([pci] alias...) on CONF.
    from aerospike_filters import conf  # noqa: F401
    from aerospike_filters.scheduler import evaluation
    import nova.conf  # noqa: F401
    args = []
    for path in config_files:
        args += ['--config-file', path]
    try:
        cfg.CONF(args, project='nova', default_config_files=[],
                 default_config_dirs=[])
        evaluation.read_settings()
    except (cfg.Error, evaluation.ConfigError) as exc:
        raise main.UserError(str(exc).splitlines()[0])
    _loaded.append(True)
