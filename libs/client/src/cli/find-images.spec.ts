import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findImages } from './find-images';

describe('findImages', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'imgcls-find-'));
    const files = [
      'b.JPG',
      'a.jpeg',
      'notes.txt',
      'c.Png',
      '.hidden.jpg',
      'sub/d.webp',
      'sub/deeper/e.GIF',
      'sub/f.bmp',
      '.git/g.png',
    ];
    for (const file of files) {
      await mkdir(join(root, file, '..'), { recursive: true });
      await writeFile(join(root, file), 'x');
    }
    await symlink(join(root, 'a.jpeg'), join(root, 'link.jpg'));
    await symlink(join(root, 'sub'), join(root, 'loop.jpg'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('searches folders recursively for image names, any case, skipping hidden entries', async () => {
    const found = await findImages([root]);
    expect(found.files.map((file) => file.slice(root.length + 1))).toEqual([
      'a.jpeg',
      'b.JPG',
      'c.Png',
      'link.jpg',
      'sub/d.webp',
      'sub/deeper/e.GIF',
      'sub/f.bmp',
    ]);
    expect(found.unreadable).toEqual([]);
  });

  it('takes a named file as it is, once, and reports paths that do not exist', async () => {
    const notes = join(root, 'notes.txt');
    const found = await findImages([notes, join(root, 'sub'), notes, join(root, 'missing.jpg')]);
    expect(found.files).toEqual([
      notes,
      join(root, 'sub/d.webp'),
      join(root, 'sub/deeper/e.GIF'),
      join(root, 'sub/f.bmp'),
    ]);
    expect(found.unreadable).toEqual([
      {
        file: join(root, 'missing.jpg'),
        error: { code: 'ENOENT', message: expect.stringContaining('no such file') as string },
      },
    ]);
  });
});
