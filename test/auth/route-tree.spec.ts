import { parseRouteTree } from './support/auth-app.js';

describe('route tree parsing (what the matrix relies on)', () => {
  it('rebuilds full patterns from printRoutes({commonPrefix: false})', () => {
    const tree = [
      '└── / (GET, HEAD)',
      '    ├── health (GET, HEAD)',
      '    ├── tracks (POST, GET, HEAD)',
      '    │   ├── /:trackId/parties (POST)',
      '    │   └── /:trackId/board/live (GET, HEAD)',
      '    └── docs (GET, HEAD)',
      '        └── /assets (GET, HEAD)',
      '',
    ].join('\n');
    expect(parseRouteTree(tree)).toEqual([
      { method: 'GET', url: '/' }, { method: 'HEAD', url: '/' },
      { method: 'GET', url: '/health' }, { method: 'HEAD', url: '/health' },
      { method: 'POST', url: '/tracks' }, { method: 'GET', url: '/tracks' }, { method: 'HEAD', url: '/tracks' },
      { method: 'POST', url: '/tracks/:trackId/parties' },
      { method: 'GET', url: '/tracks/:trackId/board/live' }, { method: 'HEAD', url: '/tracks/:trackId/board/live' },
      { method: 'GET', url: '/docs' }, { method: 'HEAD', url: '/docs' },
      { method: 'GET', url: '/docs/assets' }, { method: 'HEAD', url: '/docs/assets' },
    ]);
  });
});
