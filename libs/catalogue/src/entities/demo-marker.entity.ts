import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Present when this database holds demo figures (seeded for `npm start`): the catalogue then marks
 * every answer, page and export as demo, so no one takes them for real figures.
 */
@Entity({ name: 'catalogue_demo_marker' })
@Check('CHK_catalogue_demo_marker_one', 'id = 1')
export class DemoMarkerEntity {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'PK_catalogue_demo_marker' })
  id!: number;

  @Column({ type: 'text' })
  note!: string;

  @CreateDateColumn({ name: 'seeded_at', type: 'timestamptz' })
  seededAt!: Date;
}
