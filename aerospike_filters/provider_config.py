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

"""A compute's facts as nova's provider config, written safely.

nova-compute reads ``[compute] provider_config_location`` (default
``/etc/nova/provider_config/``) at start and adds each file's
``additional`` custom traits to its own resource provider, with the
placement credential it already holds: the compute describes itself
without any other credential. A file nova refuses stops nova-compute
from starting, so the file is checked with nova's own loader before it
replaces the old one (a temporary file in the same directory, then
``os.replace``), and never written when nova would refuse it.
"""

import glob
import os
import tempfile

import yaml

from aerospike_filters import trait_contract

#: The provider nova-compute resolves to its own compute node.
COMPUTE_NODE = '$COMPUTE_NODE'
SCHEMA_VERSION = '1.0'
#: nova-compute reads the file; it holds no secret.
MODE = 0o644


class ProviderConfigError(ValueError):
    """The file cannot be written; the message names it and the fix."""


def content(backend, nvme_devices):
    """The provider config (a dict) that publishes these facts."""
    return {'meta': {'schema_version': SCHEMA_VERSION},
            'providers': [{
                'identification': {'uuid': COMPUTE_NODE},
                'traits': {'additional': trait_contract.fact_traits(
                    backend, nvme_devices)}}]}


def render(config):
    return ('# Written by aerospike-filters probe --provider-config: the '
            "facts of this compute's storage.\n# Do not edit: the next "
            'probe rewrites it.\n' +
            yaml.safe_dump(config, default_flow_style=False, sort_keys=True))


def _nova_loader():
    try:
        from nova.compute import provider_config
        from nova import exception
    except ImportError:
        raise ProviderConfigError(
            'nova is not importable here, so the provider config cannot be '
            "checked with nova's loader: run the probe where nova-compute's "
            'python runs (its venv or container)') from None
    return provider_config, exception.ProviderConfigException


def _identities(loader, path):
    config = loader._parse_provider_yaml(path)
    return {(p['identification'].get('uuid') or
             p['identification'].get('name'))
            for p in loader._validate_provider_config(config, path)}


def write(path, config):
    """Write ``config`` to ``path`` if nova accepts it; True if written.

    Unchanged content is not rewritten (False). The other ``*.yaml`` files
    of the directory are checked too: one that also names
    ``$COMPUTE_NODE`` would stop nova-compute.

    :raises ProviderConfigError: nothing written, the old file kept.
    """
    loader, refused = _nova_loader()
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    if not path.endswith('.yaml'):
        raise ProviderConfigError(
            '--provider-config %s: nova reads only *.yaml files; name it '
            'e.g. %s' % (path, os.path.join(directory, 'aerospike.yaml')))
    text = render(config)
    try:
        with open(path, encoding='utf-8') as stream:
            if stream.read() == text:
                return False
    except OSError:
        pass
    if not os.path.isdir(directory):
        raise ProviderConfigError(
            '--provider-config %s: no directory %s; create it (nova\'s '
            '[compute] provider_config_location)' % (path, directory))
    try:
        fd, temporary = tempfile.mkstemp(prefix='.aerospike-', suffix='.tmp',
                                         dir=directory)
    except OSError as exc:
        raise ProviderConfigError('--provider-config %s: cannot write in '
                                  '%s: %s' % (path, directory,
                                              exc.strerror)) from None
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as stream:
            stream.write(text)
        os.chmod(temporary, MODE)
        try:
            ours = _identities(loader, temporary)
            for other in sorted(glob.glob(os.path.join(directory, '*.yaml'))):
                if other != path and ours & _identities(loader, other):
                    raise ProviderConfigError(
                        '%s also configures %s: nova-compute would refuse '
                        'both; remove it or drop that provider from it'
                        % (other, ', '.join(sorted(ours))))
        except refused as exc:
            raise ProviderConfigError(
                '%s: nova would refuse the provider config (%s); nothing '
                'written' % (path, str(exc).splitlines()[0])) from None
        os.replace(temporary, path)
        temporary = None
    finally:
        if temporary is not None:
            os.unlink(temporary)
    return True
