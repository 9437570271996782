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

"""The layout rule of the contributor guide, checked on every module.

* The core never imports nova, the adapters or the tools.
* The nova adapters (``scheduler``, ``api``) import the core, never tools.
* Tools import adapters and core; commands (``cmd``) never import each
  other, only what they share (``cmd.base``).
* Every module's name says its room: no two modules share a name, and no
  caller renames one of this package's modules on import.
* Only the client layer (``client``) calls the cloud: no other module
  reaches an openstacksdk connection's ``compute`` or ``placement``.

Imports inside functions count: a late import is still a dependency.
"""

import ast
import os
import subprocess
import sys

import fixtures
from oslotest import base

from tests import TOP

PACKAGE = 'aerospike_filters'
CORE = frozenset(PACKAGE + '.' + name for name in (
    'storage', 'storage_request', 'host_facts', 'verdicts', 'trait_contract',
    'snapshot_format', 'conf', 'version', 'rack_spread'))
ADAPTER_PACKAGES = (PACKAGE + '.scheduler', PACKAGE + '.api')
COMMANDS = PACKAGE + '.cmd'
#: What the commands share; every command may import it.
COMMAND_BASE = COMMANDS + '.base'
#: Libraries of the tools' layer the core must not need either.
NOT_IN_CORE = ('nova', 'cliff', 'osc_lib', 'openstack', 'keystoneauth1',
               'stevedore', 'oslo_log')
#: The room of every call to nova and placement.
CLIENT = PACKAGE + '.client'
#: The service proxies of an openstacksdk connection.
SERVICE_PROXIES = frozenset(('compute', 'placement'))


def module_files():
    """(module name, path) of every module of the package."""
    root = os.path.join(TOP, PACKAGE)
    for directory, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith('.py'):
                continue
            path = os.path.join(directory, name)
            parts = os.path.relpath(path, TOP)[:-3].split(os.sep)
            if parts[-1] == '__init__':
                parts.pop()
            yield '.'.join(parts), path


def imports_of(module, path):
    """Every module name ``module`` imports, at any depth of its code."""
    with open(path, encoding='utf-8') as stream:
        tree = ast.parse(stream.read(), path)
    package = module if path.endswith('__init__.py') else (
        module.rpartition('.')[0])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                base = '.'.join(
                    package.split('.')[:len(package.split('.')) -
                                       node.level + 1] +
                    ([base] if base else []))
            found.add(base)
            # "from package import module" imports the module.
            found.update(base + '.' + alias.name for alias in node.names)
    return found


def renames_in(module, path):
    """(module imported, the name it is bound to) where the two differ."""
    with open(path, encoding='utf-8') as stream:
        tree = ast.parse(stream.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.asname and alias.asname != alias.name:
                    yield node.module + '.' + alias.name, alias.asname
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    yield alias.name, alias.asname


def cloud_calls_in(path):
    """The lines where a module reaches a connection's service proxy."""
    with open(path, encoding='utf-8') as stream:
        tree = ast.parse(stream.read(), path)
    return sorted(node.lineno for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and
                  node.attr in SERVICE_PROXIES)


def layer_of(module):
    if module in CORE:
        return 'core'
    if module.startswith(ADAPTER_PACKAGES):
        return 'adapter'
    if module == PACKAGE:
        return 'package'
    return 'tool'


def package_modules(names, known):
    """The modules of this package among ``names`` (not its cheap top)."""
    return {name for name in names if name in known and name != PACKAGE}


class TestLayout(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.modules = dict(module_files())
        self.known = set(self.modules)

    def imports(self, module):
        return imports_of(module, self.modules[module])

    def test_core_imports_only_core_and_no_nova(self):
        self.assertEqual(set(), CORE - self.known)
        for module in sorted(CORE & self.known):
            imported = self.imports(module)
            inside = package_modules(imported, self.known)
            self.assertEqual(set(), inside - CORE,
                             '%s (core) imports outside the core' % module)
            outside = {name for name in imported
                       if name.split('.')[0] in NOT_IN_CORE}
            self.assertEqual(set(), outside,
                             '%s (core) imports tool libraries' % module)

    def test_adapters_never_import_tools(self):
        for module in sorted(self.known):
            if layer_of(module) != 'adapter':
                continue
            inside = package_modules(self.imports(module), self.known)
            tools = {m for m in inside if layer_of(m) == 'tool'}
            self.assertEqual(set(), tools,
                             '%s (adapter) imports tools' % module)

    def test_commands_do_not_import_each_other(self):
        for module in sorted(self.known):
            if not module.startswith(COMMANDS + '.'):
                continue
            inside = package_modules(self.imports(module), self.known)
            others = {m for m in inside
                      if m.startswith(COMMANDS + '.')
                      and m not in (module, COMMAND_BASE)}
            self.assertEqual(set(), others,
                             '%s imports other commands' % module)

    def test_no_two_modules_share_a_name(self):
        """A command may share its subject's package name (nova's way)."""
        by_name = {}
        for module, path in self.modules.items():
            if not path.endswith('__init__.py'):
                by_name.setdefault(module.rpartition('.')[2], []).append(
                    module)
        self.assertEqual({}, {name: sorted(modules)
                              for name, modules in by_name.items()
                              if len(modules) > 1})

    def test_no_module_of_the_package_is_renamed_on_import(self):
        renamed = []
        for module, path in sorted(self.modules.items()):
            renamed += ['%s: %s as %s' % (module, name, alias)
                        for name, alias in renames_in(module, path)
                        if name.startswith(PACKAGE + '.')]
        self.assertEqual([], renamed)

    def test_only_the_client_calls_the_cloud(self):
        calls = ['%s:%d' % (module, line)
                 for module, path in sorted(self.modules.items())
                 if module != CLIENT and not module.startswith(CLIENT + '.')
                 for line in cloud_calls_in(path)]
        self.assertEqual([], calls)

    def test_the_client_rule_catches_a_call(self):
        path = self.useFixture(fixtures.TempDir()).join('bad.py')
        with open(path, 'w') as stream:
            stream.write('def f(conn):\n'
                         '    return list(conn.compute.aggregates())\n')
        self.assertEqual([2], cloud_calls_in(path))

    def test_package_import_is_cheap(self):
        self.assertEqual(set(), package_modules(self.imports(PACKAGE),
                                                self.known))

    def test_the_rule_catches_a_violation(self):
        """The checker sees a late import of a tool inside a function."""
        path = self.useFixture(fixtures.TempDir()).join('bad.py')
        with open(path, 'w') as stream:
            stream.write('def f():\n'
                         '    from aerospike_filters import live\n'
                         '    from . import verdicts\n')
        found = imports_of(PACKAGE + '.bad', path)
        self.assertIn(PACKAGE + '.live', found)
        self.assertIn(PACKAGE + '.verdicts', found)

    def test_core_runs_without_nova_loaded(self):
        """At run time too: importing the core loads no nova module."""
        code = ('import sys\n'
                'for name in %r: __import__(name)\n'
                'print(",".join(m for m in sys.modules '
                'if m.split(".")[0] == "nova"))\n'
                % (sorted((CORE & self.known) | {PACKAGE}),))
        output = subprocess.run([sys.executable, '-c', code], check=True,
                                capture_output=True, text=True).stdout
        self.assertEqual('', output.strip())
