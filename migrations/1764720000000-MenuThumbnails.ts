import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The thumbnail (`thumbnailUrl`, WebP) stored beside each menu's display image. Images uploaded before it have no
 * thumbnail (null) until they are uploaded again; a thumbnail never exists without its image.
 */
export class MenuThumbnails1764720000000 implements MigrationInterface {
  name = 'MenuThumbnails1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE menus ADD COLUMN thumbnail_path varchar(255)`);
    await q.query(
      `ALTER TABLE menus ADD CONSTRAINT ck_menus_thumbnail_with_image
         CHECK (thumbnail_path IS NULL OR image_path IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE menus DROP CONSTRAINT ck_menus_thumbnail_with_image`);
    await q.query(`ALTER TABLE menus DROP COLUMN thumbnail_path`);
  }
}
