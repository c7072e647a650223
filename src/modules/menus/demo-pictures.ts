import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import sharp from 'sharp';
import { SeedService } from '../../database/seed.service';
import { MenusRepository } from './menus.repository';
import { MenusService } from './menus.service';

type Dish = { kind: 'bowl' | 'plate' | 'bottle' | 'glass'; food: string; toppings: string[] };

/** How each demo menu is drawn; a menu not listed gets a plate of its own colour. */
const DISHES: Record<string, Dish> = {
  Bibimbap: {
    kind: 'bowl',
    food: '#f4efe2',
    toppings: ['#e8562a', '#3f8f3a', '#f6c744', '#7a4a2a', '#f7f7f2'],
  },
  Bulgogi: { kind: 'plate', food: '#7a3b1e', toppings: ['#a0522d', '#5a8f2e', '#f0e6c8'] },
  'Kimchi Stew': { kind: 'bowl', food: '#c8321e', toppings: ['#f3ead2', '#e2552f', '#4c8a35'] },
  'Cold Noodles': { kind: 'bowl', food: '#d9cdb2', toppings: ['#8a6b47', '#f7f4ec', '#e9c46a', '#6fa35a'] },
  'Seafood Pancake': { kind: 'plate', food: '#d9a441', toppings: ['#5e8f3a', '#f28b6b', '#f4e3b5'] },
  'Fried Dumplings': { kind: 'plate', food: '#e6b565', toppings: ['#c98a3c', '#e6b565', '#d39b4a'] },
  'Rolled Omelette': { kind: 'plate', food: '#f5cf4d', toppings: ['#f7dd7a', '#e0683a', '#4f8c38'] },
  Soju: { kind: 'bottle', food: '#2f9e5b', toppings: ['#e8f6ee'] },
  Beer: { kind: 'glass', food: '#e9a727', toppings: ['#fbf6e6'] },
  Cola: { kind: 'glass', food: '#3b1f12', toppings: ['#d7322b'] },
};

/**
 * Gives the demo store's menus pictures the first time the seed creates it, so a newcomer sees images: each is
 * drawn here (a dish on a table, as SVG), rendered to a 1200 × 900 JPEG and uploaded through MenusService exactly
 * as an admin's photo would be (re-encoding, thumbnail, storage). A storage that is down leaves the menus without
 * pictures, logged; the seed itself has committed.
 */
@Injectable()
export class DemoPictures implements OnModuleInit {
  private readonly logger = new Logger(DemoPictures.name);

  constructor(
    private readonly seed: SeedService,
    private readonly repo: MenusRepository,
    private readonly menus: MenusService,
  ) {}

  onModuleInit(): void {
    this.seed.onDemoCreated((storeId) => this.attach(storeId));
  }

  async attach(storeId: string): Promise<void> {
    try {
      for (const menu of await this.repo.listMenus(storeId)) {
        const picture = await drawDish(DISHES[menu.name] ?? fallback(menu.name));
        await this.menus.setImage(storeId, menu.id, { buffer: picture, size: picture.length });
      }
    } catch (error) {
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'demo menu pictures not stored',
      );
    }
  }
}

function fallback(name: string): Dish {
  let hue = 7;
  for (let i = 0; i < name.length; i++) hue = (hue * 31 + name.charCodeAt(i)) % 360;
  return { kind: 'plate', food: `hsl(${hue}, 55%, 55%)`, toppings: [`hsl(${(hue + 40) % 360}, 60%, 45%)`] };
}

/** A dish seen from slightly above, on a wooden table: shapes only, no text (no font is needed). */
export async function drawDish(dish: Dish): Promise<Buffer> {
  const dots = (cx: number, cy: number, rx: number, ry: number, r: number): string =>
    Array.from({ length: 14 }, (_, i) => {
      const angle = i * 2.4;
      const dist = Math.sqrt((i + 0.5) / 14);
      const x = cx + Math.cos(angle) * rx * dist;
      const y = cy + Math.sin(angle) * ry * dist;
      return `<ellipse cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" rx="${r}" ry="${(r * 0.7).toFixed(1)}"
        fill="${dish.toppings[i % dish.toppings.length]}"/>`;
    }).join('');
  const shapes: Record<Dish['kind'], string> = {
    bowl: `<ellipse cx="600" cy="640" rx="360" ry="90" fill="#00000033"/>
      <path d="M250 430 Q270 700 600 720 Q930 700 950 430 Z" fill="#2b2b2e"/>
      <ellipse cx="600" cy="430" rx="350" ry="120" fill="#3a3a3e"/>
      <ellipse cx="600" cy="435" rx="320" ry="100" fill="${dish.food}"/>${dots(600, 435, 250, 70, 38)}`,
    plate: `<ellipse cx="600" cy="620" rx="430" ry="150" fill="#00000030"/>
      <ellipse cx="600" cy="560" rx="420" ry="170" fill="#f4f4f0"/>
      <ellipse cx="600" cy="560" rx="330" ry="125" fill="#e7e7e1"/>
      <ellipse cx="600" cy="545" rx="260" ry="90" fill="${dish.food}"/>${dots(600, 540, 210, 65, 30)}`,
    bottle: `<ellipse cx="600" cy="790" rx="170" ry="35" fill="#00000033"/>
      <rect x="470" y="330" width="260" height="460" rx="60" fill="${dish.food}"/>
      <rect x="550" y="150" width="100" height="220" rx="30" fill="${dish.food}"/>
      <rect x="540" y="120" width="120" height="50" rx="12" fill="#1d5e37"/>
      <rect x="490" y="480" width="220" height="170" rx="16" fill="${dish.toppings[0]}"/>`,
    glass: `<ellipse cx="600" cy="790" rx="190" ry="35" fill="#00000033"/>
      <path d="M430 230 L470 780 L730 780 L770 230 Z" fill="#ffffff55"/>
      <path d="M442 330 L472 770 L728 770 L758 330 Z" fill="${dish.food}"/>
      <path d="M434 250 L442 330 L758 330 L766 250 Z" fill="${dish.toppings[0]}"/>`,
  };
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900" viewBox="0 0 1200 900">
    <defs><linearGradient id="wood" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#b07a4a"/><stop offset="1" stop-color="#7c5030"/></linearGradient></defs>
    <rect width="1200" height="900" fill="url(#wood)"/>
    ${Array.from({ length: 9 }, (_, i) => `<rect y="${i * 100 + 40}" width="1200" height="6" fill="#00000014"/>`).join('')}
    ${shapes[dish.kind]}
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}
